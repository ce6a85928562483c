import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: [
      "src/**/*.test.ts",
      "properties/**/*.test.ts",
      "test/**/*.test.ts",
      "examples/**/*.test.ts",
      "docs/**/*.test.ts",
      "typetest/**/*.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Dawn's native module (webgpu / dawn.node) runs in child processes, not worker
    // threads: a native addon in a worker_thread is loaded per-isolate and is not
    // guaranteed to unload cleanly, while a forked process is simply torn down.
    pool: "forks",
    // Fail a run with no test files instead of passing silently.
    passWithNoTests: false,
  },
})
