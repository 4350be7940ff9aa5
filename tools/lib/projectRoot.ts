// Where the project lives, for the tools and tests that find its files (index.ts, Pulumi.<stack>.yaml, policies/).
import * as path from "node:path";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
