// The fleetdb-guardrails policies, gathered for the pack (index.ts) and for tests and the offline gate.
import type { Policies } from "@pulumi/policy";
import { adminReservedSlots } from "./admin-reserved-slots";
import { connectionBudget } from "./connection-budget";
import { containedExtensions } from "./contained-extensions";
import { externalProviderTls } from "./external-provider-tls";
import { loginRoleTimeouts } from "./login-role-timeouts";
import { noPublicDbPort } from "./no-public-db-port";
import { noSuperuserAppRoles } from "./no-superuser-app-roles";
import { pinnedDbImage } from "./pinned-db-image";
import { poolerRoleCaps } from "./pooler-role-caps";
import { providerTls } from "./provider-tls";

export const PACK_NAME = "fleetdb-guardrails";

export const policies: Policies = [
  noSuperuserAppRoles,
  connectionBudget,
  noPublicDbPort,
  pinnedDbImage,
  loginRoleTimeouts,
  providerTls,
  adminReservedSlots,
  containedExtensions,
  externalProviderTls,
  poolerRoleCaps,
];
