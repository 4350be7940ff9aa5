// What the pooler serves, from the config: a pooler database per pooled login, its cap, and each service's way in.
import { poolerCap, type PoolerCap } from "../../policies/core/pooler";
import type { StackConfig } from "../config/schema";
import { roleLayout } from "../loginIdentities";

export type PoolerConfig = NonNullable<StackConfig["pooler"]>;

/** One login the pooler serves: its own pooler database, so its cap holds (max_db_connections) in 1.18 too. */
export interface PooledLogin {
  role: string;
  login: string;
  /** The server database it works in. */
  database: string;
  /** The database name clients use at the pooler: `<database>.<login>`. */
  alias: string;
  cap: PoolerCap;
}

export interface PoolerPlan {
  pooler: PoolerConfig;
  logins: PooledLogin[];
  /** The pooler's own login: auth_user, console user; its cap bounds the lookup connections. */
  poolerLogin: { name: string; connectionLimit: number; cap: number };
  /** Server databases that need the lookup function (each pooled login's database). */
  databases: string[];
  /** service → the pooler database its DATABASE_URL names (the active login's). */
  serviceAliases: Map<string, string>;
}

/** The pooler database of a login: the server database and the login, joined by a dot. */
export function poolerAlias(database: string, login: string): string {
  return `${database}.${login}`;
}

/** undefined when the stack declares no pooler. Both alternating logins are served, so a rotation changes no file. */
export function poolerPlan(config: StackConfig): PoolerPlan | undefined {
  const { pooler } = config;
  if (!pooler) return undefined;
  const pooledServices = new Set(pooler.services);
  const logins: PooledLogin[] = [];
  const serviceAliases = new Map<string, string>();
  for (const [roleName, role] of Object.entries(config.roles)) {
    if (!role.login) continue;
    const services = role.services.filter((service) => pooledServices.has(service));
    if (services.length === 0) continue;
    const directSlots = pooler.roles[roleName]?.directSlots ?? 0;
    const layout = roleLayout(roleName, role, config.passwordRotation);
    for (const identity of layout.logins) {
      logins.push({
        role: roleName,
        login: identity.name,
        database: role.database,
        alias: poolerAlias(role.database, identity.name),
        cap: {
          login: identity.name,
          maxConnections: poolerCap(identity.connectionLimit, directSlots, pooler.margin),
          directSlots,
          margin: pooler.margin,
        },
      });
    }
    for (const service of services) serviceAliases.set(service, poolerAlias(role.database, layout.active.name));
  }
  return {
    pooler,
    logins,
    poolerLogin: {
      name: pooler.login.name,
      connectionLimit: pooler.login.connectionLimit,
      cap: pooler.login.connectionLimit - pooler.margin,
    },
    databases: [...new Set(logins.map((login) => login.database))],
    serviceAliases,
  };
}
