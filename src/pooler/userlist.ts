// The one writer of PgBouncer's auth_file (userlist.txt): `"name" "secret"` lines, quotes doubled.

/** A name or secret the auth_file cannot carry. */
export class UserlistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserlistError";
  }
}

export interface UserlistEntry {
  name: string;
  /** A SCRAM-SHA-256 verifier, or a plain-text password where PgBouncer needs one (its auth_user). */
  secret: string;
}

// PgBouncer reads a field up to its closing quote; a doubled quote is one quote. A line ends at a newline.
const UNWRITABLE = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;

function quoted(text: string, what: string, index: number): string {
  if (text === "" || UNWRITABLE.test(text))
    throw new UserlistError(
      `userlist entry ${index + 1}: the ${what} is empty or holds a control character or line break`,
    );
  return `"${text.replace(/"/g, '""')}"`;
}

/** One line per entry; the error names the entry's position and the field, never the secret. */
export function writeUserlist(entries: readonly UserlistEntry[]): string {
  return entries
    .map((entry, index) => `${quoted(entry.name, "name", index)} ${quoted(entry.secret, "secret", index)}\n`)
    .join("");
}
