// contained-extensions: no extension that reaches outside its database (the server's files, programs or network).
//
// Why: untrusted procedural languages (plpython3u, plperlu, pltclu) run code as the server's OS user;
// file_fdw and adminpack read and write server files; dblink and postgres_fdw open connections from the
// server to anywhere, with the server's network position. Each turns a grant inside one database into
// reach over the host or the network. Advisory: some are needed, deliberately.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { resourceOfType } from "./core/resourceOfType";
import { TYPES } from "./core/resourceTypes";

/** Extensions that act beyond their database, and what they reach. */
export const UNCONTAINED_EXTENSIONS: Record<string, string> = {
  plpython3u: "runs Python as the server's OS user",
  plperlu: "runs Perl as the server's OS user",
  pltclu: "runs Tcl as the server's OS user",
  file_fdw: "reads the server's files",
  adminpack: "reads and writes the server's files",
  dblink: "opens connections from the server",
  postgres_fdw: "opens connections from the server",
};

export const containedExtensions: ResourceValidationPolicy = {
  name: "contained-extensions",
  description:
    "No extension that reaches the server's files, programs or network (untrusted languages, file_fdw, adminpack, dblink, postgres_fdw).",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps:
    "Remove the extension from databases.<name>.extensions, or disable this policy for the stack after a review says it is needed.",
  validateResource: resourceOfType(TYPES.extension, (props, args, report) => {
    const extension = typeof props.name === "string" ? props.name : args.name;
    const reach = UNCONTAINED_EXTENSIONS[extension];
    if (reach)
      report(
        `extension ${extension} in database ${String(props.database)} ${reach}: remove it unless a review needs it`,
      );
  }),
};
