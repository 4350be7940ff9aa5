// The session-mode pooler's facts shared by the program and the policy pack: image, port, type token, the cap rule.

/**
 * The pinned PgBouncer image: edoburu/pgbouncer builds each upstream release from its tarball and is kept
 * current (Bitnami's versioned images stopped receiving free updates in 2025). 1.25.2 is the release with
 * the CVE-2026-6664…6667 fixes. The tests run Debian's 1.18, so the stack renders only settings both know.
 */
export const PGBOUNCER_IMAGE = "edoburu/pgbouncer:v1.25.2-p0";

/** Where PgBouncer listens inside its container (the port no-public-db-port also keys on). */
export const PGBOUNCER_PORT = 6432;

/** The pooler component's type token. */
export const PGBOUNCER_TYPE = "fleetdb:pooler:PgBouncer";

/** The container label that carries each pooled login's cap, for the pooler-role-caps policy. */
export const POOLER_CAPS_LABEL = "fleetdb.pooler.caps";

/** One pooled login's server-connection cap in the pooler, and what it keeps outside the pooler. */
export interface PoolerCap {
  /** The PostgreSQL login. */
  login: string;
  /** Server connections the pooler may open as this login (max_db_connections of its pooler database). */
  maxConnections: number;
  /** Connections the login keeps for clients that connect directly. */
  directSlots: number;
  /** Slots left free: a backend that just closed still counts, and a refused pooler login blocks its pool. */
  margin: number;
}

/** The pooler's cap for a login: its CONNECTION LIMIT minus its direct slots minus the margin. */
export function poolerCap(connectionLimit: number, directSlots: number, margin: number): number {
  return connectionLimit - directSlots - margin;
}

/** The caps as the container label carries them (JSON), and back; undefined when the text is not such a list. */
export function capsLabel(caps: readonly PoolerCap[]): string {
  return JSON.stringify(caps);
}

export function parseCapsLabel(text: unknown): PoolerCap[] | undefined {
  if (typeof text !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return undefined;
    const valid = parsed.every(
      (cap: Record<string, unknown>) =>
        typeof cap?.login === "string" &&
        [cap.maxConnections, cap.directSlots, cap.margin].every((value) => Number.isInteger(value)),
    );
    return valid ? (parsed as PoolerCap[]) : undefined;
  } catch {
    return undefined;
  }
}
