// fleetdb:admin: how the deployer (the postgresql provider and fleetdb's own resources) reaches the server.
import { z } from "zod";
import { hostProblem } from "../hosts";
import { expecting, integer, platformName, port, shown } from "../values";

/** The admin host as the provider takes it: a host name or IP (IPv6 unbracketed), or a Unix socket directory. */
const adminHost = z.string({ error: expecting("a host") }).superRefine((value, ctx) => {
  if (/^\/[A-Za-z0-9_./-]*$/.test(value)) return;
  const problem = hostProblem(/:/.test(value) && !value.startsWith("[") ? `[${value}]` : value);
  if (problem)
    ctx.addIssue({ code: "custom", message: `${problem} (or a Unix socket directory), got ${shown(value)}` });
});

export const admin = z.strictObject(
  {
    /** Admin host for the postgresql provider. Unset: the provider reads PGHOST at run time. */
    host: adminHost.optional(),
    /** Admin port. Unset: the provider reads PGPORT at run time. */
    port: port.optional(),
    /** Maintenance database the provider connects to (postgres, or a platform's defaultdb). Default postgres. */
    database: platformName.default("postgres"),
    /** Superuser the provider logs in as (postgres, or a platform's admin such as tsdbadmin). Default postgres. */
    username: platformName.default("postgres"),
    /** libpq sslmode, always explicit: disable (loopback or SSH tunnel), require, verify-ca, verify-full. */
    sslmode: z.enum(["disable", "require", "verify-ca", "verify-full"], {
      error: (issue) =>
        issue.input === undefined
          ? "required: expected disable, require, verify-ca or verify-full"
          : `expected disable, require, verify-ca or verify-full, got ${shown(issue.input)}`,
    }),
    /** Seconds to wait for a connection before failing. Default 15. */
    connectTimeoutSeconds: integer(1, 600, "seconds from 1 to 600").default(15),
  },
  { error: expecting("a mapping (sslmode at least)") },
);
