// fleetdb:databases: each application database, its owner role, schemas and extensions.
import { z } from "zod";
import { expecting, name, shown, uniqueList } from "../values";

const extensionName = z
  .string({ error: expecting("an extension name") })
  .refine((value) => /^[a-z_][a-z0-9_]{0,62}$/.test(value), {
    error: (issue) => `expected an extension name (^[a-z_][a-z0-9_]*$), got ${shown(issue.input)}`,
  });

export const database = z.strictObject(
  {
    /** The role that owns this database's schemas and everything in them, and holds CREATE on it. */
    owner: name,
    /** Schemas created in it, owned by `owner`. */
    schemas: uniqueList(name, "schemas").refine((schemas) => schemas.length > 0, {
      error: "expected at least one schema",
    }),
    /** Extensions to create in it (a provider-created database comes from template0 and has none). */
    extensions: uniqueList(extensionName, "extensions").default([]),
  },
  { error: expecting("a mapping with owner and schemas") },
);

export const databases = z.record(name, database, { error: expecting("a mapping of databases") });
