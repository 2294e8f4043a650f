import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // SpiceDB (embedded) and the differential tests are slow on 2 cores; a test's own
    // timeout says when it needs more.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
