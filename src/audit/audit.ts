// The audit: every check over the declared model and the live catalog, one report.
import type { DeclaredModel } from "./declared";
import { sortFindings, type Finding, type Skipped } from "./findings";
import type { LiveCatalog } from "./liveCatalog";
import { ownerChecks } from "./ownerChecks";
import { privilegeChecks } from "./privilegeChecks";
import { roleChecks } from "./roleChecks";
import { sessionChecks, type CutoverRow, type SessionSummary } from "./sessionChecks";
import { settingChecks } from "./settingChecks";

export interface AuditReport {
  /** Who the audit ran as. */
  user: string;
  databases: { visited: string[]; notVisited: { name: string; reason: string }[] };
  findings: Finding[];
  skipped: Skipped[];
  cutover: CutoverRow[];
  sessions: SessionSummary;
}

export function audit(model: DeclaredModel, live: LiveCatalog): AuditReport {
  const roles = roleChecks(model, live);
  const owners = ownerChecks(model, live);
  const sessions = sessionChecks(model, live);
  return {
    user: live.user,
    databases: { visited: live.visited.map((contents) => contents.name), notVisited: live.notVisited },
    findings: sortFindings([
      ...sessions.findings,
      ...roles.findings,
      ...settingChecks(model, live),
      ...privilegeChecks(model, live),
      ...owners.findings,
    ]),
    skipped: [...sessions.skipped, ...roles.skipped, ...owners.skipped],
    cutover: sessions.cutover,
    sessions: sessions.sessions,
  };
}
