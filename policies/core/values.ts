// Reading resource properties as the engine hands them: provider config arrives JSON-encoded ("4", "true").

/** A number from a property that may be a number or its JSON text (provider inputs: maxConnections: "4"). */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** A boolean from a property that may be a boolean or its JSON text ("true"). */
export function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

/** The resource's name in a message: its explicit `name` property when it has one, else its Pulumi name. */
export function displayName(resource: { name: string; props: Record<string, any> }): string {
  const name = resource.props.name;
  return typeof name === "string" && name.length > 0 ? name : resource.name;
}
