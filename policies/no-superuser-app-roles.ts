// no-superuser-app-roles: no managed role may be, or become, a superuser or hold server-level powers.
//
// Why: CONNECTION LIMIT is never enforced for superusers and they may take the reserved slots, so one
// superuser app role voids the whole connection budget; it also bypasses every grant. REPLICATION,
// BYPASSRLS, CREATEROLE and CREATEDB, and the predefined roles below, reach past the database the app
// works in (server files and programs, every table, other sessions). A NOLOGIN role counts too: its
// members can SET ROLE to it. On a managed platform its admin role (rds_superuser, azure_pg_admin, …) stands in
// for SUPERUSER: a member creates roles and ends other sessions.
import type { PolicyConfigSchema, ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { policyConfig } from "./core/policyConfig";
import { ROLE_ATTRIBUTES } from "./core/roleAttributes";
import { AUDITOR_LOGIN_TYPE } from "./core/auditorType";
import { TYPES } from "./core/resourceTypes";
import { booleanOf, displayName } from "./core/values";

/** Predefined roles that act on the server, its files or every table. */
export const DANGEROUS_PREDEFINED_ROLES = [
  "pg_execute_server_program",
  "pg_read_server_files",
  "pg_write_server_files",
  "pg_use_reserved_connections",
  "pg_read_all_data",
  "pg_write_all_data",
  "pg_signal_backend",
];

/**
 * Predefined roles that read every session (query text included) and every setting: only the auditor login
 * the stack declares (fleetdb:audit.auditor) may hold them.
 */
export const MONITORING_PREDEFINED_ROLES = ["pg_monitor", "pg_read_all_stats", "pg_read_all_settings"];

/**
 * Managed platforms' admin roles (research/next-capabilities.md §2.1): not SUPERUSER, but a member can create
 * roles and databases, see and end every session, and on some platforms replicate or install extensions.
 */
export const PLATFORM_ADMIN_ROLES = [
  "rds_superuser",
  "cloudsqlsuperuser",
  "alloydbsuperuser",
  "azure_pg_admin",
  "neon_superuser",
  "tsdbadmin",
];

interface Config {
  /** Role names that are deliberate exceptions. */
  allowedRoles: string[];
  /** Existing superuser roles a membership must not reach (the image's bootstrap superuser). */
  superuserRoles: string[];
  /** Managed platforms' admin roles a membership must not reach. */
  platformAdminRoles: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    allowedRoles: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Role names that are deliberate exceptions.",
    },
    superuserRoles: {
      type: "array",
      items: { type: "string" },
      default: ["postgres"],
      description: "Existing superusers no membership may reach.",
    },
    platformAdminRoles: {
      type: "array",
      items: { type: "string" },
      default: PLATFORM_ADMIN_ROLES,
      description: "Managed platforms' admin roles (rds_superuser, azure_pg_admin, …) no membership may reach.",
    },
  },
};

export const noSuperuserAppRoles: ResourceValidationPolicy = {
  name: "no-superuser-app-roles",
  description:
    "No managed role is a superuser, has REPLICATION, BYPASSRLS, CREATEROLE or CREATEDB, or joins a superuser or a server-level predefined role.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Set superuser, replication, bypassRowLevelSecurity, createRole and createDatabase to false and remove the membership; " +
    "grant the app what it needs on its own database through a capability group. For a deliberate exception, add the role to allowedRoles.",
  configSchema,
  validateResource: (args, report) => {
    const config = policyConfig<Config>(configSchema, args.getConfig());
    const props = args.props;
    if (args.type === TYPES.role) {
      const role = displayName({ name: args.name, props });
      if (config.allowedRoles.includes(role)) return;
      const auditor = args.urn.includes(`::${AUDITOR_LOGIN_TYPE}$${TYPES.role}::`);
      const kind = booleanOf(props.login) === true ? "login role" : "NOLOGIN role (its members can SET ROLE to it)";
      for (const { input, keyword } of ROLE_ATTRIBUTES.filter((attribute) => attribute.elevated)) {
        if (booleanOf(props[input]) === true)
          report(`${kind} ${role} is ${keyword} (${input}: true): set ${input} to false`);
      }
      const deployer = deployerLogin(args.provider?.props);
      if (role === deployer) {
        report(
          `role ${role} is the deployer's own login (the postgresql provider's username): managing it would make it NOSUPERUSER and lock the deployer out; remove it from the stack`,
        );
      }
      const memberships: unknown[] = Array.isArray(props.roles) ? props.roles : [];
      for (const group of memberships)
        reportMembership(role, String(group), config, report, "roles", deployer, auditor);
    } else if (args.type === TYPES.grantRole) {
      const member = String(props.role);
      if (config.allowedRoles.includes(member)) return;
      reportMembership(
        member,
        String(props.grantRole),
        config,
        report,
        `GrantRole ${args.name}`,
        deployerLogin(args.provider?.props),
      );
    } else {
      args.notApplicable(`Policy only applies to resources of type '${TYPES.role}' or '${TYPES.grantRole}'`);
    }
  },
};

/** The superuser the provider logs in as (its username input; absent, lib/pq takes PGUSER: unknown here). */
function deployerLogin(props: Record<string, unknown> | undefined): string | undefined {
  return typeof props?.username === "string" && props.username !== "" ? props.username : undefined;
}

function reportMembership(
  member: string,
  group: string,
  config: Config,
  report: ReportViolation,
  through: string,
  deployer: string | undefined,
  auditor = false,
): void {
  if (group === deployer) {
    report(
      `role ${member} is a member of ${group}, the deployer's superuser login (through ${through}): remove the membership`,
    );
  } else if (config.superuserRoles.includes(group)) {
    report(`role ${member} is a member of the superuser role ${group} (through ${through}): remove the membership`);
  } else if (config.platformAdminRoles.includes(group)) {
    report(
      `role ${member} is a member of ${group}, a managed platform's admin role (through ${through}): remove the membership`,
    );
  } else if (DANGEROUS_PREDEFINED_ROLES.includes(group)) {
    report(
      `role ${member} is a member of ${group} (through ${through}), which reaches beyond its database: remove the membership`,
    );
  } else if (MONITORING_PREDEFINED_ROLES.includes(group) && !auditor) {
    report(
      `role ${member} is a member of ${group} (through ${through}), which shows every session's queries: only the auditor login (fleetdb:audit.auditor) may be`,
    );
  }
}
