// Docker image references, parsed once for the config schema and the pinned-db-image policy.
//
// The grammar is distribution/reference's: [domain[:port]/]path[:tag][@digest], where the first path
// component is a domain when it holds a `.` or a `:` or is `localhost` (so `registry:5000/x:1.0` is a
// registry with a port and a tag, not a tag on `registry`).

export interface ImageReference {
  domain?: string;
  path: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const PATH = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const DOMAIN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The parts of `reference`, or undefined when it is not a valid image reference. */
export function parseImageReference(reference: string): ImageReference | undefined {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let domain: string | undefined;
  const slash = rest.indexOf("/");
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase()) {
      domain = first;
      rest = rest.slice(slash + 1);
      if (!DOMAIN.test(domain)) return undefined;
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  if (!PATH.test(rest) || rest.length > 255) return undefined;
  return { domain, path: rest, tag, digest };
}

/** Why a reference is not pinned to a version (a digest, or a tag that names a version), or undefined. */
export function unpinnedReason(reference: string): string | undefined {
  const parsed = parseImageReference(reference);
  if (!parsed) return "is not a valid image reference ([registry[:port]/]name[:tag][@sha256:<digest>])";
  if (parsed.digest) return undefined;
  if (parsed.tag === undefined) return "has no tag, which means latest";
  if (/latest/.test(parsed.tag)) return `uses the moving tag ${parsed.tag}`;
  if (!/\d+\.\d+/.test(parsed.tag)) return `uses the tag ${parsed.tag}, which names no version`;
  return undefined;
}

/** The PostgreSQL major a Timescale-style tag names (`2.26.0-pg16` → 16), if any. */
export function tagPostgresMajor(reference: ImageReference): number | undefined {
  const match = reference.tag ? /(?:^|-)pg(\d+)(?:$|[-.])/.exec(reference.tag) : null;
  return match ? Number(match[1]) : undefined;
}
