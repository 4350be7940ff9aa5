// SCRAM-SHA-256 verifiers computed client-side, so ALTER ROLE … PASSWORD never carries the plaintext.
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";

/** PostgreSQL's default scram_iterations. */
export const SCRAM_ITERATIONS = 4096;

/**
 * The verifier PostgreSQL stores in pg_authid.rolpassword (RFC 5802/7677):
 * SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>, all base64.
 * The server stores a string in this form as-is. Passwords must be ASCII: PostgreSQL runs SASLprep on
 * the password at login, which changes nothing for printable ASCII.
 */
export function scramSha256Verifier(password: string, saltBase64: string, iterations = SCRAM_ITERATIONS): string {
  if (!/^[\x20-\x7e]+$/.test(password)) throw new Error("scramSha256Verifier: the password must be printable ASCII");
  const salt = Buffer.from(saltBase64, "base64");
  if (salt.length < 16) throw new Error("scramSha256Verifier: the salt must be at least 16 bytes");
  const saltedPassword = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", saltedPassword).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", saltedPassword).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
