// The top-level keys mode external changes: the admin login's password replaces the superuser's, whose
// rotation does not apply (a managed platform has no superuser to rotate), and fleetdb:admin loses its endpoint.
import { z } from "zod";
import { expecting } from "../values";
import { externalAdmin } from "./externalServer";

function refused(message: string) {
  return z.undefined({ error: () => message }).optional();
}

const NO_SUPERUSER =
  "does not apply in mode external: the stack does not run the server and rotates no superuser; remove it";

export const externalStackKeys = {
  admin: externalAdmin,
  /** The admin login's current password (a secret, checked as one by the loaders); no default, no PGPASSWORD guess. */
  adminPassword: z
    .string({ error: expecting("a secret (pulumi config set --secret adminPassword)") })
    .min(1, { error: "is empty: expected a secret" }),
  superuserPassword: refused(`${NO_SUPERUSER} (the admin login's password is fleetdb:adminPassword)`),
  superuserPasswordRotation: refused(NO_SUPERUSER),
  /** Not built yet: the admin login's own rotation (ALTER ROLE CURRENT_USER) is refused rather than ignored. */
  adminPasswordRotation: refused(
    "is not supported yet: rotate the admin login's password on the platform (or with ALTER ROLE CURRENT_USER), then set the new one with pulumi config set --secret adminPassword",
  ),
};
