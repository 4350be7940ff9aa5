import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    // Each file runs in its own process: Pulumi's runtime state is global, one program run per file.
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
