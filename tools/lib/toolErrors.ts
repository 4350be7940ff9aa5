// The errors a tool ends with on purpose: each maps to one exit code and one line per problem on stderr.

/** Input the tool refuses: exit 2, each problem on its own line. */
export class BadInput extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "BadInput";
  }
}

/** The server could not be reached or refused the login: exit 3, one line, no password in it. */
export class ServerUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServerUnreachable";
  }
}
