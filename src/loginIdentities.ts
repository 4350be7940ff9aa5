// Which PostgreSQL logins a role config becomes: one login, or two alternating logins acting as one group.

/** How a role's password rotates: in place, or by alternating between two logins (zero downtime). */
export type RotationMode = "single" | "alternating";

export interface LoginIdentity {
  /** The PostgreSQL login name. */
  name: string;
  /** Its CONNECTION LIMIT. */
  connectionLimit: number;
  /** The rotation marker its generated password is keyed to: changes exactly when this login's password must. */
  passwordMarker: string;
  /** true: the services connect as this login now. */
  active: boolean;
  /** Set at login (`ALTER ROLE … SET role`): alternating logins act as their group. */
  assumeRole?: string;
}

export interface RoleLayout {
  mode: RotationMode;
  /** Alternating only: the role itself, holding grants, memberships and ownership. */
  group?: { name: string; login: boolean };
  logins: LoginIdentity[];
  /** The login the services' DATABASE_URLs point at. */
  active: LoginIdentity;
}

/** Suffixes of the two alternating logins. */
export const ALTERNATING_SUFFIXES = ["_a", "_b"] as const;

/** How an alternating role's limit splits between its logins: the same total, the larger share first. */
export function alternatingShares(limit: number): [number, number] {
  return [Math.ceil(limit / 2), Math.floor(limit / 2)];
}

/** A generation marker for alternating roles: a whole number, or undefined when it is not one. */
export function generationOf(marker: string): number | undefined {
  return /^\d{1,9}$/.test(marker) ? Number(marker) : undefined;
}

/**
 * The logins behind one login role. Alternating: generation g makes `<role>_a` active when g is even and
 * `<role>_b` when odd; each login's password is keyed to the last generation that made it active, so
 * bumping g rotates only the login that becomes active, and the other keeps working meanwhile.
 */
export function roleLayout(
  name: string,
  role: { connectionLimit?: number; access?: string; rotation: RotationMode },
  marker: string,
): RoleLayout {
  const limit = role.connectionLimit ?? -1;
  if (role.rotation === "single") {
    const login: LoginIdentity = { name, connectionLimit: limit, passwordMarker: marker, active: true };
    return { mode: "single", logins: [login], active: login };
  }
  const generation = generationOf(marker) ?? 0;
  const shares = alternatingShares(limit);
  const logins = ALTERNATING_SUFFIXES.map((suffix, index): LoginIdentity => {
    const parity = index; // _a on even generations, _b on odd ones
    const keyed = generation % 2 === parity ? generation : generation - 1;
    return {
      name: `${name}${suffix}`,
      connectionLimit: shares[index],
      passwordMarker: String(keyed),
      active: generation % 2 === parity,
      assumeRole: name,
    };
  });
  // An owner must keep LOGIN: TimescaleDB runs policy jobs as the table owner (background workers are not counted).
  return {
    mode: "alternating",
    group: { name, login: role.access === "owner" },
    logins,
    active: logins.find((login) => login.active)!,
  };
}
