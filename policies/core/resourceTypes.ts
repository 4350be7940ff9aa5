// Type tokens the policies look at, as the engine reports them (no provider SDK needed in the pack).

export const TYPES = {
  role: "postgresql:index/role:Role",
  grantRole: "postgresql:index/grantRole:GrantRole",
  grant: "postgresql:index/grant:Grant",
  defaultPrivileges: "postgresql:index/defaultPrivileges:DefaultPrivileges",
  database: "postgresql:index/database:Database",
  schema: "postgresql:index/schema:Schema",
  extension: "postgresql:index/extension:Extension",
  postgresqlProvider: "pulumi:providers:postgresql",
  container: "docker:index/container:Container",
  remoteImage: "docker:index/remoteImage:RemoteImage",
  stack: "pulumi:pulumi:Stack",
  /** Every dynamic resource; fleetdb's carry a `fleetdbKind` input. */
  dynamic: "pulumi-nodejs:dynamic:Resource",
} as const;
