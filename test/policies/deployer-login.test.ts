// no-superuser-app-roles and the deployer's own login: the provider's username is a superuser nobody may be or join.
import { describe, expect, test } from "vitest";
import { noSuperuserAppRoles } from "../../policies/no-superuser-app-roles";
import { runResourcePolicy, type TestResource } from "./harness";

const provider = (username: string) => ({
  type: "pulumi:providers:postgresql",
  name: "admin-provider",
  urn: "urn:p",
  props: { username },
});

function role(name: string, memberOf: string[], username: string): TestResource {
  return {
    type: "postgresql:index/role:Role",
    name: `${name}-role`,
    props: { name, login: true, roles: memberOf },
    provider: provider(username),
  };
}

describe("the provider's username", () => {
  test("a role that is the deployer's login is refused", async () => {
    expect(await runResourcePolicy(noSuperuserAppRoles, role("tsdbadmin", [], "tsdbadmin"))).toEqual({
      violations: [
        "role tsdbadmin is the deployer's own login (the postgresql provider's username): managing it would make it NOSUPERUSER and lock the deployer out; remove it from the stack",
      ],
    });
  });

  test("a role that joins the deployer's login is refused, whatever superuserRoles says", async () => {
    expect(
      await runResourcePolicy(noSuperuserAppRoles, role("gateway_app", ["tsdbadmin"], "tsdbadmin"), {
        superuserRoles: [],
      }),
    ).toEqual({
      violations: [
        "role gateway_app is a member of tsdbadmin, the deployer's superuser login (through roles): remove the membership",
      ],
    });
  });

  test("a GrantRole to the deployer's login is refused", async () => {
    const grant: TestResource = {
      type: "postgresql:index/grantRole:GrantRole",
      name: "g",
      props: { role: "cron_app", grantRole: "admin" },
      provider: provider("admin"),
    };
    expect(await runResourcePolicy(noSuperuserAppRoles, grant)).toEqual({
      violations: [
        "role cron_app is a member of admin, the deployer's superuser login (through GrantRole g): remove the membership",
      ],
    });
  });

  test("other roles under the same provider pass", async () => {
    expect(await runResourcePolicy(noSuperuserAppRoles, role("gateway_app", ["fp_rw"], "postgres"))).toEqual({
      violations: [],
    });
  });
});
