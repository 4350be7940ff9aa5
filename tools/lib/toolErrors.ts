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
  /** The server's SQLSTATE or the socket's error code, when there is one (3D000: no such database). */
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "ServerUnreachable";
  }
}
