// Reads the live catalog for the audit: one connection at a time, each inside a READ ONLY transaction that is rolled back.
import { Client, type ClientConfig } from "pg";
import * as Q from "./catalogQueries";
import type { LiveCatalog, LiveDatabaseContents } from "./liveCatalog";

export const AUDIT_APPLICATION_NAME = "fleetdb-audit";

/** The first connection failed: the server is down, refused us, or the login was rejected. */
export class CatalogUnreachable extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "CatalogUnreachable";
  }
}

/** SQLSTATEs that mean "this database cannot be read as this login", not "the server is gone". */
const DATABASE_REFUSED: Record<string, string> = {
  "3D000": "does not exist",
  "42501": "no CONNECT privilege for the audit's login",
  "55000": "does not allow connections",
};

export interface CatalogTarget {
  /** The database cluster-wide queries run in (postgres), visited first. */
  maintenanceDatabase: string;
  /** Every database to look inside, with the schemas the stack declares there. */
  databases: { name: string; schemas: string[] }[];
}

export async function readCatalog(connection: ClientConfig, target: CatalogTarget): Promise<LiveCatalog> {
  const first = await open(connection, target.maintenanceDatabase).catch((error: unknown) => {
    throw new CatalogUnreachable(errorText(error), (error as { code?: string }).code);
  });
  let catalog: LiveCatalog;
  try {
    catalog = await readCluster(first);
    const own = target.databases.find((database) => database.name === target.maintenanceDatabase);
    catalog.visited.push(await readDatabase(first, target.maintenanceDatabase, own?.schemas ?? [], catalog));
  } finally {
    await close(first);
  }
  for (const database of target.databases) {
    if (database.name === target.maintenanceDatabase) continue;
    let client: Client;
    try {
      client = await open(connection, database.name);
    } catch (error) {
      const reason = DATABASE_REFUSED[(error as { code?: string }).code ?? ""];
      if (!reason) throw error;
      catalog.notVisited.push({ name: database.name, reason });
      continue;
    }
    try {
      catalog.visited.push(await readDatabase(client, database.name, database.schemas, catalog));
    } finally {
      await close(client);
    }
  }
  return catalog;
}

/**
 * Opens one audit connection. A login with CONNECTION LIMIT 1 may find its previous backend still exiting
 * (53300, too many connections for role): that one error is retried briefly.
 */
async function open(connection: ClientConfig, database: string): Promise<Client> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openOnce(connection, database);
    } catch (error) {
      if ((error as { code?: string }).code !== "53300" || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function openOnce(connection: ClientConfig, database: string): Promise<Client> {
  const client = new Client({
    connectionTimeoutMillis: 10_000,
    ...connection,
    database,
    application_name: AUDIT_APPLICATION_NAME,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    for (const sql of Q.OPEN_TRANSACTION) await client.query(sql);
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

async function close(client: Client): Promise<void> {
  await client.query("ROLLBACK").catch(() => undefined);
  await client.end().catch(() => undefined);
}

async function readCluster(client: Client): Promise<LiveCatalog> {
  const rows = async <T>(sql: string, values: unknown[] = []) => (await client.query(sql, values)).rows as T[];
  const [me] = await rows<{ user: string; superuser: boolean; read_all_stats: boolean; read_authid: boolean }>(
    Q.WHO_AM_I,
  );
  const settings = new Map(
    (await rows<{ name: string; setting: string }>(Q.SERVER_SETTINGS)).map((row) => [row.name, Number(row.setting)]),
  );
  const catalog: LiveCatalog = {
    user: me.user,
    superuser: me.superuser,
    readAllStats: me.read_all_stats,
    readAuthid: me.read_authid,
    server: {
      maxConnections: settings.get("max_connections") ?? 0,
      superuserReservedConnections: settings.get("superuser_reserved_connections") ?? 0,
      reservedConnections: settings.get("reserved_connections") ?? 0,
    },
    roles: (await rows<Record<string, unknown>>(Q.ROLES)).map((row) => ({
      name: String(row.name),
      superuser: row.superuser === true,
      inherit: row.inherit === true,
      createRole: row.create_role === true,
      createDatabase: row.create_database === true,
      login: row.login === true,
      replication: row.replication === true,
      bypassRowLevelSecurity: row.bypass_rls === true,
      connectionLimit: Number(row.connection_limit),
      memberOf: row.member_of as string[],
    })),
    settings: await rows(Q.ROLE_SETTINGS),
    sessions: (await rows<Record<string, unknown>>(Q.SESSIONS)).map((row) => ({
      pid: Number(row.pid),
      user: (row.user as string | null) ?? null,
      database: (row.database as string | null) ?? null,
      applicationName: typeof row.application_name === "string" ? row.application_name : "",
      clientAddress: (row.client_address as string | null) ?? null,
      backendType: (row.backend_type as string | null) ?? null,
      superuser: row.superuser === true,
    })),
    passwords: me.read_authid ? await rows(Q.PASSWORD_KINDS) : undefined,
    databases: (await rows<Record<string, unknown>>(Q.DATABASES)).map((row) => ({
      name: String(row.name),
      owner: String(row.owner),
      allowConnections: row.allow_connections === true,
      acl: row.acl as LiveCatalog["databases"][number]["acl"],
    })),
    visited: [],
    notVisited: [],
    unread: [],
  };
  return catalog;
}

async function readDatabase(
  client: Client,
  name: string,
  schemas: string[],
  catalog: LiveCatalog,
): Promise<LiveDatabaseContents> {
  const rows = async <T>(sql: string, values: unknown[] = []) => (await client.query(sql, values)).rows as T[];
  const contents: LiveDatabaseContents = {
    name,
    schemas: await rows(Q.SCHEMAS, [schemas]),
    objects: (await rows<Record<string, unknown>>(Q.OBJECTS, [schemas])).map((row) => ({
      schema: String(row.schema),
      name: String(row.name),
      kind: String(row.kind),
      aclClass: String(row.acl_class),
      arguments: (row.arguments as string | null) ?? null,
      owner: String(row.owner),
      acl: row.acl as LiveDatabaseContents["objects"][number]["acl"],
    })),
    defaultAcls: (await rows<Record<string, unknown>>(Q.DEFAULT_ACLS)).map((row) => ({
      owner: String(row.owner),
      schema: (row.schema as string | null) ?? null,
      objectType: String(row.object_type),
      acl: row.acl as LiveDatabaseContents["defaultAcls"][number]["acl"],
    })),
  };
  const [timescale] = await rows<{ present: boolean }>(Q.HAS_TIMESCALEDB);
  if (timescale?.present) {
    // A savepoint: without read access to TimescaleDB's catalog the rest of the audit still runs.
    await client.query("SAVEPOINT timescale_jobs");
    try {
      contents.jobs = (await rows<Record<string, unknown>>(Q.TIMESCALE_JOBS)).map((row) => ({
        jobId: Number(row.job_id),
        owner: String(row.owner),
        procSchema: String(row.proc_schema),
        procName: String(row.proc_name),
        hypertableSchema: (row.hypertable_schema as string | null) ?? null,
        hypertableName: (row.hypertable_name as string | null) ?? null,
      }));
    } catch (error) {
      await client.query("ROLLBACK TO SAVEPOINT timescale_jobs");
      catalog.unread.push({ check: `wrong-owner: TimescaleDB jobs in ${name}`, reason: (error as Error).message });
    }
  }
  return contents;
}

/** One line for a failed connection; never the password (pg's messages do not carry it). */
function errorText(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return code ? `${message} (${code})` : String(message ?? error);
}
