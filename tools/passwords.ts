// npm run passwords: ALTER ROLE … PASSWORD statements (SCRAM verifiers, computed here) from the stack's databaseUrls.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Option } from "commander";
import { escapeIdentifier, escapeLiteral } from "pg";
import { parse } from "pg-connection-string";
import { identifierProblem } from "../src/config/identifiers";
import { scramSha256Verifier } from "../src/scram";
import { PsqlWriter } from "../src/sql/psqlWriter";
import { BadInput, EXIT, runTool, toolCommand } from "./lib/cli";

/** role → password, from `pulumi stack output databaseUrls --show-secrets --json`. Never echoes a URL or a password. */
export function passwordsFromUrls(urls: unknown): Map<string, string> {
  if (typeof urls !== "object" || urls === null || Array.isArray(urls)) {
    throw new BadInput(["expected the JSON object `pulumi stack output databaseUrls --json` prints (service → URL)"]);
  }
  const passwords = new Map<string, string>();
  for (const [service, url] of Object.entries(urls)) {
    const where = JSON.stringify(service);
    if (typeof url !== "string" || !/^postgres(ql)?:\/\//.test(url)) {
      throw new BadInput([`${where}: expected a postgresql:// URL`]);
    }
    let user: string | undefined;
    let password: string | undefined;
    try {
      ({ user, password } = parse(url));
    } catch {
      throw new BadInput([`${where}: not a valid URL (the value is not shown: it may hold a password)`]);
    }
    if (!user || !password) {
      throw new BadInput([`${where}: the URL has no user or no password (was --show-secrets given?)`]);
    }
    // Only the roles fleetdb declares: plain names, never the superuser or another reserved role.
    const problem = identifierProblem(user);
    if (problem)
      throw new BadInput([`${where}: user ${JSON.stringify(user)} is not a role fleetdb manages: ${problem}`]);
    const known = passwords.get(user);
    if (known !== undefined && known !== password) {
      throw new BadInput([`${where}: role ${user} has two different passwords in the input`]);
    }
    passwords.set(user, password);
  }
  return passwords;
}

/** The psql script: one ALTER ROLE … PASSWORD '<verifier>' per role, with a fresh salt each. */
export function passwordScript(passwords: ReadonlyMap<string, string>): string {
  const script = new PsqlWriter().comment("fleetdb passwords: SCRAM-SHA-256 verifiers computed on this machine.");
  for (const [role, password] of passwords) {
    const verifier = scramSha256Verifier(password, randomBytes(16).toString("base64"));
    script.sql(`ALTER ROLE ${escapeIdentifier(role)} PASSWORD ${escapeLiteral(verifier)};`);
  }
  return script.toString();
}

async function main(argv: string[]): Promise<number> {
  const program = toolCommand(
    "passwords",
    "Read databaseUrls (pulumi stack output databaseUrls --show-secrets --json) and print, for each role, " +
      "ALTER ROLE … PASSWORD '<SCRAM-SHA-256 verifier>': the plaintext never reaches the server. Pipe it to psql.",
  ).addOption(new Option("-f, --from <file>", "read the JSON from this file instead of stdin"));
  program.parse(argv);
  const { from } = program.opts<{ from?: string }>();
  let text: string;
  try {
    text = readFileSync(from ?? 0, "utf8");
  } catch (error) {
    throw new BadInput([`${from ?? "stdin"}: cannot read (${(error as NodeJS.ErrnoException).code ?? "error"})`]);
  }
  let urls: unknown;
  try {
    urls = JSON.parse(text);
  } catch {
    // The parser's message quotes the input, which holds passwords: say only where.
    throw new BadInput([`${from ?? "stdin"}: not JSON (the content is not shown: it may hold passwords)`]);
  }
  const passwords = passwordsFromUrls(urls);
  process.stderr.write(
    `passwords: ${passwords.size} roles; stdout holds password verifiers: pipe it to psql, do not keep it\n`,
  );
  process.stdout.write(passwordScript(passwords));
  return EXIT.clean;
}

if (require.main === module) runTool(() => main(process.argv));
