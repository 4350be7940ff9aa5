// A generated, URL-safe password and its SCRAM-SHA-256 verifier with a random salt, both replaced by one keeper.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { scramSha256Verifier } from "../src/scram";

/** Letters and digits only, 32 characters (about 190 bits): safe anywhere in a URL. */
export const GENERATED_PASSWORD = { length: 32, special: false, upper: true, lower: true, numeric: true } as const;

export interface GeneratedPassword {
  /** The password (a secret). */
  password: pulumi.Output<string>;
  /** The random salt, base64 (a secret). */
  salt: pulumi.Output<string>;
  /** What the server is sent: SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey> (a secret). */
  verifier: pulumi.Output<string>;
}

/**
 * `${name}-password` and `${name}-salt`, both kept until the rotation `marker` changes. A salt derived from the password
 * would let an attacker skip the PBKDF2 iterations; a fresh salt per apply would change the verifier
 * every time: so the salt is random, kept in state, and replaced together with the password.
 */
export function generatedPassword(name: string, marker: string, parent: pulumi.Resource): GeneratedPassword {
  // The keeper's key is in every stack's state: renaming it would replace every password.
  const keepers = { rotation: marker };
  const password = new random.RandomPassword(`${name}-password`, { ...GENERATED_PASSWORD, keepers }, { parent });
  const salt = new random.RandomBytes(`${name}-salt`, { length: 16, keepers }, { parent });
  return { password: password.result, salt: salt.base64, verifier: verifierOf(password.result, salt.base64) };
}

/** The verifier of `password` with `salt` (base64), as a secret. */
export function verifierOf(password: pulumi.Input<string>, salt: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.all([password, salt]).apply(([plaintext, saltBase64]) => scramSha256Verifier(plaintext, saltBase64)),
  );
}
