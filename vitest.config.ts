import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/functions-host.ts"],
    // Generous: the longest tests run the pipeline over days of the sample estate (seconds on a quiet machine,
    // many times that on a shared, busy one). A hang still fails.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
