// SCRAM-SHA-256 verifiers, checked against RFC 7677's worked example (user "user", password "pencil").
import { createHash, createHmac } from "node:crypto";
import { describe, expect, test } from "vitest";
import { scramSha256Verifier } from "../../src/scram";

const salt = "W22ZaJ0SNY7soEsUEjb6gQ==";
const authMessage =
  "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096," +
  "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";

function keys(verifier: string) {
  const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!match) throw new Error(`not a SCRAM verifier: ${verifier}`);
  return {
    iterations: Number(match[1]),
    salt: match[2],
    storedKey: Buffer.from(match[3], "base64"),
    serverKey: Buffer.from(match[4], "base64"),
  };
}

describe("scramSha256Verifier", () => {
  test("reproduces RFC 7677's ServerSignature and accepts its ClientProof", () => {
    const { iterations, salt: storedSalt, storedKey, serverKey } = keys(scramSha256Verifier("pencil", salt));
    expect([iterations, storedSalt]).toEqual([4096, salt]);
    expect(createHmac("sha256", serverKey).update(authMessage).digest("base64")).toBe(
      "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
    );
    const clientSignature = createHmac("sha256", storedKey).update(authMessage).digest();
    const clientProof = Buffer.from("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "base64");
    const clientKey = Buffer.from(clientProof.map((byte, index) => byte ^ clientSignature[index]));
    expect(createHash("sha256").update(clientKey).digest().equals(storedKey)).toBe(true);
  });

  test("is deterministic for one salt and differs for another", () => {
    expect(scramSha256Verifier("pencil", salt)).toBe(scramSha256Verifier("pencil", salt));
    expect(scramSha256Verifier("pencil", Buffer.alloc(16, 1).toString("base64"))).not.toBe(
      scramSha256Verifier("pencil", salt),
    );
  });

  test("refuses what PostgreSQL's SASLprep would change, and a short salt", () => {
    expect(() => scramSha256Verifier("pénsil", salt)).toThrow(
      "scramSha256Verifier: the password must be printable ASCII",
    );
    expect(() => scramSha256Verifier("tab\there", salt)).toThrow(
      "scramSha256Verifier: the password must be printable ASCII",
    );
    expect(() => scramSha256Verifier("pencil", Buffer.alloc(8).toString("base64"))).toThrow(
      "scramSha256Verifier: the salt must be at least 16 bytes",
    );
  });

  test.each<[string, string, string]>([
    ["ünïcode", salt, "scramSha256Verifier: the password must be printable ASCII"],
    ["", salt, "scramSha256Verifier: the password must be printable ASCII"],
    ["pencil", Buffer.alloc(8).toString("base64"), "scramSha256Verifier: the salt must be at least 16 bytes"],
  ])("refuses password %j with salt %s", (password, saltBase64, message) => {
    expect(() => scramSha256Verifier(password, saltBase64)).toThrow(message);
  });
});
