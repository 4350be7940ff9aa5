// Which addresses only the host itself can reach.
import { BlockList, isIP } from "node:net";

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

/** Whether a published port's host address is loopback-only. An omitted ip is docker's default 0.0.0.0. */
export function isLoopback(ip: string | undefined): boolean {
  if (ip === undefined || ip === "") return false;
  const address = ip.replace(/^\[(.*)\]$/, "$1").replace(/\/\d+$/, "");
  const family = isIP(address);
  if (family === 4) return loopback.check(address, "ipv4");
  // IPv4-mapped addresses (::ffff:127.0.0.1) are checked against the IPv4 rule by BlockList.
  if (family === 6) return loopback.check(address, "ipv6");
  return false;
}
