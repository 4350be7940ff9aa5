// `fleetdb:handover`: whose objects `npm run handover` moves to each database's owner, and which it leaves alone.
import { z } from "zod";
import { expecting, label, uniqueList } from "../values";

const exception = z.strictObject(
  {
    /** The database the object is in. */
    database: z.string().min(1),
    /** Its schema. */
    schema: z.string().min(1),
    /** Its name as the catalog spells it (a function's name covers all its overloads). */
    name: z.string().min(1),
    /** Why it stays, printed in the script's header. */
    reason: label.optional(),
  },
  { error: expecting("a mapping with database, schema and name") },
);

export const handover = z.strictObject(
  {
    /** Non-superuser roles whose objects move too (superusers' objects always do). Default none. */
    fromRoles: uniqueList(label, "roles").default([]),
    /** Objects that keep their owner even when that owner is a superuser or in fromRoles. Default none. */
    keep: z.array(exception, { error: expecting("a list of objects") }).default([]),
  },
  { error: expecting("a mapping with fromRoles or keep") },
);

export type HandoverConfig = z.output<typeof handover>;
export type HandoverException = HandoverConfig["keep"][number];

/** What an unset `fleetdb:handover` means. */
export const DEFAULT_HANDOVER: HandoverConfig = { fromRoles: [], keep: [] };
