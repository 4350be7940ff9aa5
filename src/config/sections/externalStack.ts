// The top-level keys mode external changes: the admin login's password replaces the superuser's, whose
// rotation does not apply (a managed platform has no superuser to rotate), and fleetdb:admin loses its endpoint.
import { z } from "zod";
import { expecting, marker } from "../values";
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
  /**
   * Opt-in: setting or changing it rotates the admin login's own password (ALTER ROLE on itself, a SCRAM
   * verifier, proven before the provider moves to it). Unset: the stack uses fleetdb:adminPassword as it is.
   */
  adminPasswordRotation: marker.optional(),
};
