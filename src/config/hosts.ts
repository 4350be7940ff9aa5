// What a host may be wherever fleetdb writes it into a URL or a connection: DNS labels, IPv4, bracketed IPv6.
import { isIP } from "node:net";

/** DNS labels of letters, digits, `-` and `_` (docker aliases such as timescale_db use `_`), dot-separated. */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;

/** Why `host` is not a host name, an IPv4 address or a bracketed IPv6 address; undefined when it is one. */
export function hostProblem(host: string): string | undefined {
  if (/^\[.*\]$/.test(host))
    return isIP(host.slice(1, -1)) === 6 ? undefined : "expected an IPv6 address inside the brackets";
  if (isIP(host) === 4) return undefined;
  if (isIP(host) === 6) return "expected an IPv6 address in brackets, such as [::1]";
  if (/^[0-9.]+$/.test(host)) return "expected an IPv4 address such as 10.0.0.5";
  if (HOST_NAME.test(host)) return undefined;
  return "expected a host name (letters, digits, - and _ in dot-separated labels), an IPv4 address or a bracketed IPv6 address";
}
