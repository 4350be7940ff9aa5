// The optional `fleetdb:audit` key: the auditor login the stack declares, and how to recognise today's sessions.
import { BlockList, isIP } from "node:net";
import { z } from "zod";
import { identifierProblem } from "../identifiers";

/** An IP address or a CIDR block (10.0.0.0/8, ::1/128). */
export function parseAddressBlock(
  value: string,
): { address: string; prefix: number; family: "ipv4" | "ipv6" } | undefined {
  const [address = "", prefixText, extra] = value.split("/");
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const family = version === 4 ? "ipv4" : "ipv6";
  const max = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return undefined;
  return { address, prefix: Number(prefixText), family };
}

/** true when `client` (pg_stat_activity.client_addr) lies in `block`. */
export function addressMatches(block: string, client: string | null): boolean {
  const parsed = parseAddressBlock(block);
  if (!parsed || !client || isIP(client) === 0) return false;
  const list = new BlockList();
  list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  return list.check(client, isIP(client) === 4 ? "ipv4" : "ipv6");
}

const addressBlock = z.string().refine((value) => parseAddressBlock(value) !== undefined, {
  error: (issue) => `expected an IP address or a CIDR block such as 172.18.0.0/16, got ${JSON.stringify(issue.input)}`,
});

/** How a service's (or an unmanaged consumer's) sessions are recognised; every field given must match. */
const matchRule = z
  .strictObject({
    /** The application_name it sets today (exact). */
    applicationName: z
      .string()
      .refine((value) => /^[\x20-\x7e]{1,63}$/.test(value), {
        error: (issue) =>
          `expected a printable application_name of 1-63 characters, got ${JSON.stringify(issue.input)}`,
      })
      .optional(),
    /** The client address or CIDR block it connects from. */
    clientAddress: addressBlock.optional(),
  })
  .refine((rule) => rule.applicationName !== undefined || rule.clientAddress !== undefined, {
    error: "a match rule needs applicationName, clientAddress, or both",
  });
export type MatchRule = z.output<typeof matchRule>;

export const audit = z
  .strictObject({
    /** A login for the scheduled audit: NOSUPERUSER, member of pg_monitor, its CONNECTION LIMIT counted in the budget. */
    auditor: z
      .strictObject({
        /** Its role name. */
        name: z.string(),
        /** CONNECTION LIMIT, 1 to 5. Default 1: the audit holds one connection at a time. */
        connectionLimit: z.number().int().min(1).max(5).default(1),
      })
      .optional(),
    /** Keyed by a service or an unmanaged consumer: how to recognise its sessions besides application_name = its name. */
    match: z.record(z.string(), matchRule).default({}),
  })
  .default({ match: {} });
export type AuditConfig = z.output<typeof audit>;

/** Problems in references from `audit` to the rest of the config (keys as in checkReferences). */
export function auditReferenceProblems(config: {
  audit: AuditConfig;
  roles: Record<string, unknown>;
  services: Record<string, unknown>;
  budget: { unmanaged: Record<string, unknown> };
}): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  for (const key of Object.keys(config.audit.match)) {
    if (!config.services[key] && !config.budget.unmanaged[key])
      problems.push({
        path: ["audit", "match", key],
        message: `"${key}" is neither a service nor an unmanaged consumer (services: ${Object.keys(config.services).join(", ") || "none"})`,
      });
  }
  const auditor = config.audit.auditor?.name;
  const problem = auditor === undefined ? undefined : identifierProblem(auditor);
  if (problem) problems.push({ path: ["audit", "auditor", "name"], message: `invalid name "${auditor}": ${problem}` });
  else if (auditor !== undefined && (config.roles[auditor] || config.budget.unmanaged[auditor]))
    problems.push({
      path: ["audit", "auditor", "name"],
      message: `"${auditor}" is already a role or consumer of this stack`,
    });
  return problems;
}
