// admin-reserved-slots: the database container keeps at least one slot that only superusers may take.
//
// Why: superuser_reserved_connections is what lets an admin in when every other slot is held (the
// connection-limit tests show it). With 0, a full server refuses the admin too, and "too many
// connections" can only be ended from the database host. Advisory: a deliberately tiny server may
// choose it.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { resourceOfType } from "./core/resourceOfType";
import { TYPES } from "./core/resourceTypes";
import { pinnedSettings } from "./core/serverSettings";

export const adminReservedSlots: ResourceValidationPolicy = {
  name: "admin-reserved-slots",
  description:
    "The database container keeps superuser_reserved_connections above 0, so an admin can get into a full server.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Set server.superuserReservedConnections to 3 (PostgreSQL's default) or more, and budget the slots.",
  validateResource: resourceOfType(TYPES.container, (props, args, report) => {
    const command = Array.isArray(props.command) ? props.command : [];
    const reserved = pinnedSettings(command).superuser_reserved_connections;
    const container = typeof props.name === "string" ? props.name : args.name;
    if (reserved === 0) {
      report(
        `container ${container} pins superuser_reserved_connections=0: when the server is full no admin can connect; keep at least 1 (3 is the default)`,
      );
    }
  }),
};
