// external-provider-tls: a provider to a server the stack does not run verifies it (verify-full or verify-ca
// with a CA bundle) whenever its host is not loopback. provider-tls's mandatory counterpart for mode external.
//
// Why: a managed server is reached over a network the team does not own, and its admin creates every role and
// sets every password the services use. Encryption without verification (require) lets anyone on the path pose
// as the server and collect the admin's password; on loopback (an SSH tunnel) the tunnel verifies. The provider
// marks such a server with superuser: false (fleetdb sets it in mode external, and only there).
import type { StackValidationPolicy } from "@pulumi/policy";
import { isLoopback } from "./core/addresses";
import { TYPES } from "./core/resourceTypes";
import { booleanOf } from "./core/values";

const VERIFYING = new Set(["verify-ca", "verify-full"]);

export const externalProviderTls: StackValidationPolicy = {
  name: "external-provider-tls",
  description:
    "A postgresql provider with superuser: false (a server the stack does not run) names its host and, unless the host is loopback, uses sslmode verify-full or verify-ca with sslrootcert.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Set fleetdb:server.sslmode to verify-full (verify-ca where the certificate does not name the host) and fleetdb:server.sslrootcert to the platform's CA bundle, or reach the server through an SSH tunnel on 127.0.0.1.",
  validateStack: (args, report) => {
    const external = args.resources.filter(
      (resource) => resource.type === TYPES.postgresqlProvider && booleanOf(resource.props.superuser) === false,
    );
    if (external.length === 0) {
      args.notApplicable("no postgresql provider has superuser: false (every server is one the stack runs)");
    }
    for (const provider of external) {
      const host = typeof provider.props.host === "string" ? provider.props.host : "";
      if (host === "") {
        report(
          `postgresql provider ${provider.name} (superuser: false) names no host: it would take PGHOST at run time; declare fleetdb:server.host`,
        );
        continue;
      }
      if (host === "localhost" || isLoopback(host)) continue;
      const sslmode = typeof provider.props.sslmode === "string" ? provider.props.sslmode : "";
      const rootCertificate = typeof provider.props.sslrootcert === "string" ? provider.props.sslrootcert : "";
      if (!VERIFYING.has(sslmode)) {
        report(
          `postgresql provider ${provider.name} connects to ${host} with sslmode ${sslmode === "" ? "unset (lib/pq's require)" : sslmode}, which does not verify the server: use verify-full or verify-ca with sslrootcert`,
        );
      } else if (rootCertificate === "") {
        report(
          `postgresql provider ${provider.name} verifies ${host} (${sslmode}) without sslrootcert: name the platform's CA bundle`,
        );
      }
    }
  },
};
