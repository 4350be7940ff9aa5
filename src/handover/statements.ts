// The SQL of a handover: one ALTER … OWNER TO per object, default privileges FOR ROLE <owner>, and the retry around them.
import { escapeIdentifier, escapeLiteral } from "pg";
import { doBlock } from "../sql/guards";
import type { DefaultPrivilegeChange, HandoverTransaction } from "./decide";
import { OBJECT_KINDS, objectName, type CatalogObject } from "./model";

/** How each transaction waits for its locks: a short lock_timeout, then a bounded number of retries. */
export interface LockPolicy {
  /** lock_timeout for each attempt, as PostgreSQL reads it ("2s", "500ms"). */
  lockTimeout: string;
  /** Retries after the first attempt. */
  retries: number;
  /** Seconds slept before retry n: backoffSeconds × 2^(n-1), at most 30. */
  backoffSeconds: number;
}

export const DEFAULT_LOCK_POLICY: LockPolicy = { lockTimeout: "2s", retries: 4, backoffSeconds: 1 };

/** ALTER <kind> <name> OWNER TO <owner>. Function arguments are the server's pg_get_function_identity_arguments. */
export function alterOwner(object: CatalogObject, owner: string): string {
  const keyword = OBJECT_KINDS[object.kind];
  const name =
    object.kind === "schema"
      ? escapeIdentifier(object.schema)
      : `${escapeIdentifier(object.schema)}.${escapeIdentifier(object.name)}`;
  // The identity arguments come from the server already quoted (format_type): they are SQL, not a value.
  const args = object.arguments === undefined ? "" : `(${object.arguments})`;
  return `ALTER ${keyword} ${name}${args} OWNER TO ${escapeIdentifier(owner)}`;
}

export function defaultPrivilegeStatement(change: DefaultPrivilegeChange, owner: string): string {
  const scope = change.schema === undefined ? "" : ` IN SCHEMA ${escapeIdentifier(change.schema)}`;
  const grantee = change.grantee === undefined ? "PUBLIC" : escapeIdentifier(change.grantee);
  const privileges = change.privileges.join(", ");
  return change.action === "GRANT"
    ? `ALTER DEFAULT PRIVILEGES FOR ROLE ${escapeIdentifier(owner)}${scope} GRANT ${privileges} ON ${change.objectType} TO ${grantee}${change.grantable ? " WITH GRANT OPTION" : ""}`
    : `ALTER DEFAULT PRIVILEGES FOR ROLE ${escapeIdentifier(owner)}${scope} REVOKE ${privileges} ON ${change.objectType} FROM ${grantee}`;
}

/**
 * The statements of one transaction (without BEGIN/COMMIT): SET LOCAL lock_timeout, then one DO block that
 * runs every ALTER in a subtransaction and, when a lock is not granted in time (lock_not_available), rolls
 * that attempt back (releasing what it had locked), sleeps and tries again; after the last retry the error
 * ends the transaction and psql stops (ON_ERROR_STOP): nothing of this transaction is applied.
 */
export function transactionStatements(transaction: HandoverTransaction, owner: string, policy: LockPolicy): string[] {
  const alters = transaction.objects.map((object) => `${alterOwner(object, owner)};`);
  const what = transaction.objects.length === 1 ? objectName(transaction.objects[0]) : transaction.label;
  const body = [
    "DECLARE",
    "  attempt integer := 0;",
    "BEGIN",
    "  LOOP",
    "    BEGIN",
    ...alters.map((alter) => `      ${alter}`),
    "      EXIT;",
    "    EXCEPTION WHEN lock_not_available THEN",
    "      attempt := attempt + 1;",
    `      IF attempt > ${policy.retries} THEN`,
    "        RAISE;",
    "      END IF;",
    `      RAISE NOTICE 'fleetdb handover: % is busy (a lock was not granted within %), retry % of % in % s', ${escapeLiteral(what)}, ${escapeLiteral(policy.lockTimeout)}, attempt, ${policy.retries}, least(30, ${policy.backoffSeconds} * 2 ^ (attempt - 1));`,
    `      PERFORM pg_catalog.pg_sleep(least(30, ${policy.backoffSeconds} * 2 ^ (attempt - 1)));`,
    "    END;",
    "  END LOOP;",
    "END;",
  ].join("\n");
  return [`SET LOCAL lock_timeout = ${escapeLiteral(policy.lockTimeout)}`, doBlock(body)];
}
