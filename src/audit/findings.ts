// What the audit reports: findings with a stable kind and severity, and the checks it could not run.

export type Severity = "error" | "warning" | "info";

/** Every finding kind, its default severity, and what it means (docs/audit.md prints this table). */
export const KINDS = {
  "superuser-session": {
    severity: "error",
    meaning: "client backends logged in as a superuser: services still to move",
  },
  "service-cutover": {
    severity: "error",
    meaning: "a declared service seen as another role (error), not seen (warning), or done (info)",
  },
  "unbounded-login": { severity: "error", meaning: "a non-superuser login role with no CONNECTION LIMIT" },
  "elevated-role": {
    severity: "error",
    meaning:
      "CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS, or a member of a superuser or a forbidden predefined role",
  },
  "undeclared-role": { severity: "warning", meaning: "a login role neither declared nor an unmanaged consumer's role" },
  "role-drift": {
    severity: "error",
    meaning: "a declared role missing, or its attributes, limit or memberships differ",
  },
  "setting-drift": { severity: "error", meaning: "pg_db_role_setting differs for a declared role" },
  "privilege-drift": {
    severity: "error",
    meaning: "missing or extra privileges of managed roles and PUBLIC (unmanaged consumers' roles: info)",
  },
  "wrong-owner": { severity: "error", meaning: "an object, schema, database or TimescaleDB job not owned as declared" },
  sessions: {
    severity: "warning",
    meaning: "sessions against limits, slots and the budget (warning); server slot settings differ (error)",
  },
  "password-encryption": { severity: "error", meaning: "a login role whose stored password is not a SCRAM verifier" },
} as const satisfies Record<string, { severity: Severity; meaning: string }>;

export type Kind = keyof typeof KINDS;

export interface Finding {
  kind: Kind;
  severity: Severity;
  /** What it is about: `role gateway_app`, `table tracksolid.positions in tracksolid_db`. */
  object: string;
  live: string;
  declared: string;
  /** What to do about it, as a statement or a step. */
  fix: string;
}

/** A check the audit could not run, and why: never reported as clean. */
export interface Skipped {
  check: string;
  reason: string;
}

/** A finding at its kind's default severity. */
export function finding(kind: Kind, fields: Omit<Finding, "kind" | "severity">, severity?: Severity): Finding {
  return { kind, severity: severity ?? KINDS[kind].severity, ...fields };
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then information; within a severity by kind, then object. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => ORDER[a.severity] - ORDER[b.severity] || a.kind.localeCompare(b.kind) || a.object.localeCompare(b.object),
  );
}

/** Lowers the named kinds to info (a planned cutover: the scheduled job should not cry wolf). */
export function downgrade(findings: readonly Finding[], kinds: ReadonlySet<Kind>): Finding[] {
  return findings.map((item) => (kinds.has(item.kind) ? { ...item, severity: "info" } : item));
}

/** true when a finding at `failOn` or worse exists. */
export function fails(findings: readonly Finding[], failOn: "error" | "warning"): boolean {
  return findings.some((item) => ORDER[item.severity] <= ORDER[failOn]);
}
