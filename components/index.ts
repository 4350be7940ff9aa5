// Re-exports every component of the fleetdb stack.
export * from "./adminConnection";
export * from "./adminCredential";
export * from "./appDatabase";
export * from "./appRole";
export * from "./databaseAccess";
export * from "./externalServer";
export * from "./groupRole";
export * from "./roleSettings";
export * from "./schemaPrivileges";
export * from "./timescaleServer";
export * from "./auditorLogin";
export * from "./pgbouncer";
export * from "./poolerLogin";
