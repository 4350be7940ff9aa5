// What a fleetdb psql script may contain as meta-commands: only the forms fleetdb itself writes.

/** Lines psql would run as meta-commands that are not one of the forms fleetdb writes. */
export function foreignMetaCommands(script: string): string[] {
  const ours = [
    /^\\set 'ON_ERROR_STOP' 'on'$/,
    /^\\connect '"(?:[^'\n]|'')*"'$/,
    /^\\if :create_[0-9a-f]+$/,
    /^\\endif$/,
    / \\gset$/,
  ];
  return script
    .split("\n")
    .filter((line) => (/^\s*\\/.test(line) || /\\gset/.test(line)) && !ours.some((form) => form.test(line)));
}
