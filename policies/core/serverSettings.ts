// The connection settings a database container pins on its command line (`postgres -c key=value`).

export interface PinnedSettings {
  max_connections?: number;
  superuser_reserved_connections?: number;
  reserved_connections?: number;
}

const KEYS = ["max_connections", "superuser_reserved_connections", "reserved_connections"] as const;

/** Reads `-c key=value`, `-ckey=value` and `--key=value` from a server command. */
export function pinnedSettings(command: readonly unknown[]): PinnedSettings {
  const settings: PinnedSettings = {};
  command.forEach((argument, index) => {
    if (typeof argument !== "string") return;
    let assignment: string | undefined;
    if (argument === "-c")
      assignment = typeof command[index + 1] === "string" ? (command[index + 1] as string) : undefined;
    else if (argument.startsWith("-c") && !argument.startsWith("--")) assignment = argument.slice(2);
    else if (argument.startsWith("--")) assignment = argument.slice(2);
    if (!assignment) return;
    const [key, value] = assignment.split("=", 2);
    const normalized = key?.replace(/-/g, "_");
    if (value === undefined || !KEYS.includes(normalized as (typeof KEYS)[number])) return;
    const number = Number(value);
    if (Number.isInteger(number)) settings[normalized as (typeof KEYS)[number]] = number;
  });
  return settings;
}
