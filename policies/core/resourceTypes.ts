// Type tokens of the resources fleetdb declares, as the engine reports them: the one list everything reads.

export const TYPES = {
  role: "postgresql:index/role:Role",
  grantRole: "postgresql:index/grantRole:GrantRole",
  grant: "postgresql:index/grant:Grant",
  defaultPrivileges: "postgresql:index/defaultPrivileges:DefaultPrivileges",
  database: "postgresql:index/database:Database",
  schema: "postgresql:index/schema:Schema",
  extension: "postgresql:index/extension:Extension",
  function: "postgresql:index/function:Function",
  postgresqlProvider: "pulumi:providers:postgresql",
  container: "docker:index/container:Container",
  remoteImage: "docker:index/remoteImage:RemoteImage",
  volume: "docker:index/volume:Volume",
  network: "docker:index/network:Network",
  randomPassword: "random:index/randomPassword:RandomPassword",
  randomBytes: "random:index/randomBytes:RandomBytes",
  stack: "pulumi:pulumi:Stack",
  /** Every dynamic resource; fleetdb's carry a `fleetdbKind` input. */
  dynamic: "pulumi-nodejs:dynamic:Resource",
} as const;

/** What fleetdb's own dynamic resources are (their `fleetdbKind` input). */
export const FLEETDB_KINDS = { roleSetting: "role-setting", superuserPassword: "superuser-password" } as const;

/** A fleetdb dynamic resource: a dynamic resource that says what it is in its `fleetdbKind` input. */
export function fleetdbKindOf(resource: {
  type: string;
  inputs?: Record<string, unknown>;
  props?: Record<string, unknown>;
}): string | undefined {
  if (resource.type !== TYPES.dynamic) return undefined;
  const kind = (resource.inputs ?? resource.props)?.fleetdbKind;
  return typeof kind === "string" ? kind : undefined;
}
