// provider-tls: the postgresql provider uses TLS whenever it talks to a host that is not loopback.
//
// Why: the deployer logs in as the superuser; without TLS its password and every statement cross the
// network in clear text. On loopback (an SSH tunnel, or the docker host itself) the tunnel encrypts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { isLoopback } from "./core/addresses";
import { TYPES } from "./core/resourceTypes";

/** sslmode values that encrypt (lib/pq: an unset sslmode means require). */
const ENCRYPTING = new Set(["require", "verify-ca", "verify-full"]);

export const providerTls: StackValidationPolicy = {
  name: "provider-tls",
  description: "The postgresql provider uses sslmode require or stricter when its host is not loopback.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps:
    "Set the admin sslmode to require (verify-full with a CA where you can), or reach the server through an SSH tunnel on 127.0.0.1.",
  validateStack: (args, report) => {
    const providers = args.resources.filter((resource) => resource.type === TYPES.postgresqlProvider);
    const judged = providers.filter((provider) => typeof provider.props.host === "string");
    if (judged.length === 0) {
      args.notApplicable("no postgresql provider declares its host (it comes from PGHOST at run time)");
    }
    for (const provider of judged) {
      const host = provider.props.host as string;
      if (host === "localhost" || host.startsWith("/") || isLoopback(host)) continue;
      const sslmode =
        typeof provider.props.sslmode === "string" && provider.props.sslmode !== ""
          ? provider.props.sslmode
          : "require";
      if (!ENCRYPTING.has(sslmode)) {
        report(
          `postgresql provider ${provider.name} connects to ${host} with sslmode ${sslmode}: use require or stricter, or an SSH tunnel on 127.0.0.1`,
        );
      }
    }
  },
};
