// The pooler's own login and, in every pooled database, the SECURITY DEFINER lookup its auth_query calls.
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import { NO_ELEVATED_ATTRIBUTES } from "../policies/core/roleAttributes";
import { PUBLIC_ROLE } from "../src/privilegeMatrix";
import { lookupBody, POOLER_LOOKUP } from "../src/pooler/lookupFunction";
import type { PoolerPlan } from "../src/pooler/poolerPlan";
import { generatedPassword } from "../resources/generatedPassword";
import { SerialLanes } from "../resources/serialLanes";

export interface PoolerLoginArgs {
  /** What the pooler serves (src/pooler/poolerPlan.ts). */
  plan: PoolerPlan;
  /** The provider every postgresql resource is passed explicitly; its login owns the lookup (a superuser). */
  provider: postgresql.Provider;
  /** The deployer's username: owner of the lookup schema, so the function reads pg_authid as a superuser. */
  adminUsername: string;
  /** Serializes grants on one database or schema row. */
  lanes: SerialLanes;
  /** The pooled databases and login roles: they exist before the lookup names them. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class PoolerLogin extends pulumi.ComponentResource {
  readonly role: postgresql.Role;
  readonly roleName: string;
  /** The login's generated password (a secret): PgBouncer's auth_file holds it, the server only its verifier. */
  readonly password: pulumi.Output<string>;

  constructor(name: string, args: PoolerLoginArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleetdb:pooler:PoolerLogin", name, {}, opts);
    const { plan, provider, lanes } = args;
    const login = plan.pooler.login;
    // Its own rotation marker: rotating the app roles' passwords changes nothing the pooler was given.
    const { password, verifier } = generatedPassword(name, login.passwordRotation, this);
    this.roleName = login.name;
    this.role = new postgresql.Role(
      `${name}-role`,
      {
        name: login.name,
        login: true,
        ...NO_ELEVATED_ATTRIBUTES,
        connectionLimit: login.connectionLimit,
        password: verifier,
        // The lookup is one short query; anything else this login runs is bounded too.
        statementTimeout: 5_000,
        idleInTransactionSessionTimeout: 10_000,
      },
      { parent: this, provider, dependsOn: args.dependsOn },
    );
    const allowed = plan.logins.map((pooled) => pooled.login);
    for (const database of plan.databases) {
      const child = (suffix: string) => `${name}-${database}-${suffix}`;
      const schema = new postgresql.Schema(
        child("schema"),
        { name: POOLER_LOOKUP.schema, database, owner: args.adminUsername, dropCascade: true },
        { parent: this, provider, dependsOn: args.dependsOn },
      );
      const lookup = new postgresql.Function(
        child("lookup"),
        {
          name: POOLER_LOOKUP.name,
          schema: schema.name,
          database,
          args: POOLER_LOOKUP.args.map((arg) => ({ ...arg })),
          returns: POOLER_LOOKUP.returns,
          language: POOLER_LOOKUP.language,
          volatility: POOLER_LOOKUP.volatility,
          securityDefiner: true,
          body: lookupBody(allowed),
        },
        { parent: this, provider, dependsOn: [schema] },
      );
      const grant = (suffix: string, lane: string, inputs: postgresql.GrantArgs, dependsOn: pulumi.Resource[]) =>
        lanes.push(
          lane,
          new postgresql.Grant(child(suffix), inputs, {
            parent: this,
            provider,
            dependsOn: [...dependsOn, ...lanes.after(lane)],
          }),
        );
      const functionLane = SerialLanes.schema(database, POOLER_LOOKUP.schema);
      // Functions are executable by PUBLIC unless revoked: only the pooler's login may read verifiers.
      grant(
        "revoke-public",
        functionLane,
        {
          database,
          schema: schema.name,
          role: PUBLIC_ROLE,
          objectType: "function",
          objects: [POOLER_LOOKUP.name],
          privileges: [],
        },
        [lookup],
      );
      grant(
        "execute",
        functionLane,
        {
          database,
          schema: schema.name,
          role: login.name,
          objectType: "function",
          objects: [POOLER_LOOKUP.name],
          privileges: ["EXECUTE"],
        },
        [lookup, this.role],
      );
      grant(
        "usage",
        functionLane,
        { database, schema: schema.name, role: login.name, objectType: "schema", privileges: ["USAGE"] },
        [schema, this.role],
      );
      grant(
        "connect",
        SerialLanes.database(database),
        { database, role: login.name, objectType: "database", privileges: ["CONNECT"] },
        [this.role],
      );
    }
    this.password = pulumi.secret(password);
    this.registerOutputs({ roleName: this.roleName, password: this.password });
  }
}
