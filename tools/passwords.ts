// npm run passwords: ALTER ROLE … PASSWORD statements (SCRAM verifiers, computed here) from the stack's databaseUrls.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { escapeIdentifier, escapeLiteral } from "pg";
import { parse } from "pg-connection-string";
import { scramSha256Verifier } from "../src/scram";
import { BadInput, EXIT, EXIT_CODES_HELP, runTool } from "./lib/cli";

/** role → password, from `pulumi stack output databaseUrls --show-secrets --json`. */
export function passwordsFromUrls(urls: unknown): Map<string, string> {
  if (typeof urls !== "object" || urls === null || Array.isArray(urls))
    throw new BadInput(["expected the JSON object `pulumi stack output databaseUrls --json` prints (service → URL)"]);
  const passwords = new Map<string, string>();
  for (const [service, url] of Object.entries(urls)) {
    if (typeof url !== "string") throw new BadInput([`${service}: expected a postgresql:// URL`]);
    const { user, password } = parse(url);
    if (!user || !password)
      throw new BadInput([`${service}: the URL has no user or no password (was --show-secrets given?)`]);
    const known = passwords.get(user);
    if (known !== undefined && known !== password)
      throw new BadInput([`${service}: role ${user} has two different passwords in the input`]);
    passwords.set(user, password);
  }
  return passwords;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command("passwords")
    .description(
      "Read databaseUrls (pulumi stack output databaseUrls --show-secrets --json) and print, for each role, " +
        "ALTER ROLE … PASSWORD '<SCRAM-SHA-256 verifier>': the plaintext never reaches the server. Pipe it to psql.",
    )
    .addOption(new Option("-f, --from <file>", "read the JSON from this file instead of stdin"))
    .addHelpText("after", EXIT_CODES_HELP);
  program.parse(argv);
  const { from } = program.opts<{ from?: string }>();
  let urls: unknown;
  try {
    urls = JSON.parse(readFileSync(from ?? 0, "utf8"));
  } catch (error) {
    throw new BadInput([`${from ?? "stdin"}: not JSON (${(error as Error).message})`]);
  }
  const passwords = passwordsFromUrls(urls);
  process.stderr.write(
    `passwords: ${passwords.size} roles; stdout holds password verifiers: pipe it to psql, do not keep it\n`,
  );
  for (const [role, password] of passwords) {
    const verifier = scramSha256Verifier(password, randomBytes(16).toString("base64"));
    process.stdout.write(`ALTER ROLE ${escapeIdentifier(role)} PASSWORD ${escapeLiteral(verifier)};\n`);
  }
  return EXIT.clean;
}

if (require.main === module) runTool(() => main(process.argv));
