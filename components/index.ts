// Re-exports every component of the fleetdb stack.
export * from "./adminConnection";
export * from "./adminCredential";
export * from "./appDatabase";
export * from "./appRole";
export * from "./generatedPassword";
export * from "./databaseAccess";
export * from "./serialLanes";
export * from "./groupRole";
export * from "./roleSetting";
export * from "./roleSettings";
export * from "./schemaPrivileges";
export * from "./superuserPassword";
export * from "./timescaleServer";
export * from "./auditorLogin";
