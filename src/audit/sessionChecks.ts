// Sessions: superuser sessions, each service's cutover, live slots against the budget, and the server's slot settings.
import { addressMatches, type MatchRule } from "../config/sections/audit";
import type { DeclaredModel } from "./declared";
import { finding, type Finding, type Skipped } from "./findings";
import type { LiveCatalog, LiveSession } from "./liveCatalog";

/** The dynamic providers' application_name (src/dynamic/adminLogin.ts). */
const DYNAMIC_PROVIDER_APPLICATION = "fleetdb dynamic provider";

export type CutoverState = "done" | "partly" | "not yet" | "not seen";

export interface CutoverRow {
  service: string;
  login: string;
  state: CutoverState;
  /** Roles its sessions log in as now, with counts. */
  seenAs: Record<string, number>;
}

/** One budget line with the client backends it holds now (null: sessions cannot be attributed to it). */
export interface LiveBudgetLine {
  name: string;
  kind: string;
  budgeted: number;
  live: number | null;
  detail: string;
}

export interface SessionSummary {
  /** false: other users' sessions were not visible, so no counts. */
  visible: boolean;
  clientBackends: number | null;
  lines: LiveBudgetLine[];
  server: { live: LiveCatalog["server"]; declared: DeclaredModel["server"] };
}

export function matchesRule(session: LiveSession, rule: MatchRule): boolean {
  return (
    (rule.applicationName === undefined || session.applicationName === rule.applicationName) &&
    (rule.clientAddress === undefined || addressMatches(rule.clientAddress, session.clientAddress))
  );
}

const count = (sessions: LiveSession[]) =>
  sessions.reduce<Record<string, number>>((counts, session) => {
    const user = session.user ?? "?";
    counts[user] = (counts[user] ?? 0) + 1;
    return counts;
  }, {});

export function sessionChecks(
  model: DeclaredModel,
  live: LiveCatalog,
): { findings: Finding[]; skipped: Skipped[]; cutover: CutoverRow[]; sessions: SessionSummary } {
  const findings: Finding[] = serverSettingFindings(model, live);
  const summary: SessionSummary = {
    visible: live.readAllStats,
    clientBackends: null,
    lines: [],
    server: { live: live.server, declared: model.server },
  };
  if (!live.readAllStats) {
    const reason = `seeing other users' sessions needs pg_read_all_stats (pg_monitor) or a superuser; the audit ran as ${live.user}`;
    return {
      findings,
      skipped: ["superuser-session", "service-cutover", "sessions (per role, per consumer, total)"].map((check) => ({
        check,
        reason,
      })),
      cutover: [],
      sessions: {
        ...summary,
        lines: model.budget.lines.map((line) => ({ ...line, budgeted: line.slots, live: null })),
      },
    };
  }
  const clients = live.sessions.filter((session) => session.backendType === "client backend");
  summary.clientBackends = clients.length;

  const groups = new Map<string, LiveSession[]>();
  for (const session of clients.filter((s) => s.superuser)) {
    const id = JSON.stringify([session.user, session.applicationName, session.clientAddress]);
    groups.set(id, [...(groups.get(id) ?? []), session]);
  }
  for (const [id, sessions] of groups) {
    const [user, application, address] = JSON.parse(id) as [string, string, string | null];
    findings.push(
      finding("superuser-session", {
        object: `sessions as ${user} (application_name ${application === "" ? "unset" : `"${application}"`}, from ${address ?? "local socket"})`,
        live: `${sessions.length} client backend${sessions.length === 1 ? "" : "s"}`,
        declared: "no service or tool logs in as a superuser",
        fix: "move the service to its declared login (its DATABASE_URL from the stack outputs); close admin tools",
      }),
    );
  }

  const cutover = model.services.map((service): CutoverRow => {
    const mine = clients.filter(
      (session) =>
        session.applicationName === service.name ||
        (service.match !== undefined && matchesRule(session, service.match)),
    );
    const seenAs = count(mine);
    const others = Object.keys(seenAs).filter((user) => user !== service.login);
    const state: CutoverState =
      mine.length === 0 ? "not seen" : others.length === 0 ? "done" : seenAs[service.login] ? "partly" : "not yet";
    return { service: service.name, login: service.login, state, seenAs };
  });
  for (const row of cutover) {
    const seen = Object.entries(row.seenAs)
      .map(([user, n]) => `${n} as ${user}`)
      .join(", ");
    findings.push(
      finding(
        "service-cutover",
        {
          object: `service ${row.service}`,
          live: row.state === "not seen" ? "no session seen" : `${row.state}: ${seen}`,
          declared: `connects as ${row.login}`,
          fix:
            row.state === "done"
              ? "nothing: cut over"
              : row.state === "not seen"
                ? `set application_name=${row.service} in the URL it uses today, or declare fleetdb:audit.match.${row.service}`
                : `point its DATABASE_URL at the stack's databaseUrls.${row.service} and restart it`,
        },
        row.state === "done" ? "info" : row.state === "not seen" ? "warning" : undefined,
      ),
    );
  }

  summary.lines = budgetLines(model, clients);
  findings.push(...limitFindings(model, live, clients, summary));
  return { findings, skipped: [], cutover, sessions: summary };
}

/** Attributes each client backend to at most one budget line; what is left shows as superuser or unattributed. */
function budgetLines(model: DeclaredModel, clients: LiveSession[]): LiveBudgetLine[] {
  const left = new Set(clients);
  const take = (match: (session: LiveSession) => boolean) => {
    const taken = [...left].filter(match);
    for (const session of taken) left.delete(session);
    return taken.length;
  };
  const consumers = new Map(model.unmanaged.map((consumer) => [consumer.name, consumer]));
  const lines = model.budget.lines.map((line): LiveBudgetLine => {
    const base = { name: line.name, kind: line.kind, budgeted: line.slots, detail: line.detail };
    if (line.kind === "role") return { ...base, live: take((s) => s.user === line.name) };
    if (line.kind === "unmanaged") {
      const consumer = consumers.get(line.name);
      if (!consumer?.role && !consumer?.match) return { ...base, live: null };
      return {
        ...base,
        live: take(
          (s) =>
            (consumer.role !== undefined && s.user === consumer.role) ||
            (!!consumer.match && matchesRule(s, consumer.match)),
        ),
      };
    }
    if (line.name === "deployer (dynamic)")
      return { ...base, live: take((s) => s.applicationName === DYNAMIC_PROVIDER_APPLICATION) };
    return { ...base, live: null };
  });
  lines.push({
    name: "superuser sessions",
    kind: "live",
    budgeted: 0,
    live: take((s) => s.superuser),
    detail: "not budgeted",
  });
  lines.push({
    name: "other sessions",
    kind: "live",
    budgeted: 0,
    live: take(() => true),
    detail: "no budget line matches",
  });
  return lines;
}

function limitFindings(
  model: DeclaredModel,
  live: LiveCatalog,
  clients: LiveSession[],
  summary: SessionSummary,
): Finding[] {
  const findings: Finding[] = [];
  const perUser = count(clients);
  for (const role of live.roles) {
    const sessions = perUser[role.name] ?? 0;
    if (role.superuser || role.connectionLimit < 0 || sessions < role.connectionLimit || sessions === 0) continue;
    findings.push(
      finding("sessions", {
        object: `role ${role.name}`,
        live: `${sessions} client backends`,
        declared: `CONNECTION LIMIT ${role.connectionLimit}`,
        fix:
          sessions > role.connectionLimit
            ? "over its limit (lowered while connected): the extra sessions end as they close; lower the pool size"
            : "at its limit: further connections are refused; lower the pool size or raise the limit in the stack",
      }),
    );
  }
  for (const line of summary.lines.filter((l) => l.kind === "unmanaged" && l.live !== null && l.live > l.budgeted)) {
    findings.push(
      finding("sessions", {
        object: `unmanaged consumer ${line.name}`,
        live: `${line.live} client backends`,
        declared: `${line.budgeted} slots`,
        fix: `raise fleetdb:budget.unmanaged.${line.name}.slots (the policy pack checks the total) or bound it with a CONNECTION LIMIT`,
      }),
    );
  }
  const budgeted = model.budget.lines
    .filter((line) => line.kind !== "reserved")
    .reduce((sum, line) => sum + Math.max(line.slots, 0), 0);
  if (clients.length > budgeted)
    findings.push(
      finding("sessions", {
        object: "server",
        live: `${clients.length} client backends`,
        declared: `${budgeted} budgeted slots (max_connections ${model.server.maxConnections} less the reserved ones)`,
        fix: "find the consumers over their share in the sessions table; declare the missing ones",
      }),
    );
  return findings;
}

function serverSettingFindings(model: DeclaredModel, live: LiveCatalog): Finding[] {
  if (model.server.platformReservedConnections !== undefined) return externalServerFindings(model, live);
  const settings: [string, Exclude<keyof DeclaredModel["server"], "platformReservedConnections">][] = [
    ["max_connections", "maxConnections"],
    ["superuser_reserved_connections", "superuserReservedConnections"],
    ["reserved_connections", "reservedConnections"],
  ];
  return settings
    .filter(([, key]) => live.server[key] !== model.server[key])
    .map(([setting, key]) =>
      finding(
        "sessions",
        {
          object: `server setting ${setting}`,
          live: String(live.server[key]),
          declared: String(model.server[key]),
          fix: `the server command pins it (-c ${setting}=${model.server[key]}): recreate the container with pulumi up, or change the stack`,
        },
        "error",
      ),
    );
}

/**
 * Mode external: the server is the platform's. Its max_connections must be the declared one, and the reserved
 * slots PostgreSQL reports must fit in the declared platformReservedConnections (the platform's own, such as
 * RDS's rds.rds_superuser_reserved_connections, have no common setting to read).
 */
function externalServerFindings(model: DeclaredModel, live: LiveCatalog): Finding[] {
  const findings: Finding[] = [];
  const declared = model.server.platformReservedConnections!;
  if (live.server.maxConnections !== model.server.maxConnections)
    findings.push(
      finding(
        "sessions",
        {
          object: "server setting max_connections",
          live: String(live.server.maxConnections),
          declared: String(model.server.maxConnections),
          fix: "set fleetdb:server.maxConnections to the server's (SHOW max_connections), or change it on the platform",
        },
        "error",
      ),
    );
  const reserved = live.server.superuserReservedConnections + live.server.reservedConnections;
  if (reserved > declared)
    findings.push(
      finding(
        "sessions",
        {
          object: "server setting superuser_reserved_connections + reserved_connections",
          live: String(reserved),
          declared: `at most ${declared} (platformReservedConnections)`,
          fix: `raise fleetdb:server.platformReservedConnections to at least ${reserved} plus the platform's own reserved slots`,
        },
        "error",
      ),
    );
  return findings;
}
