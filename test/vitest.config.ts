import { defineConfig } from "vitest/config";

// One config, three projects: pure unit/scenario tests in Node, Durable Object tests inside workerd,
// and end-to-end tests against a real `wrangler dev` driven by kubectl and @kubernetes/client-node.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          root: "test/unit",
          include: ["**/*.test.ts"],
          environment: "node",
        },
      },
    ],
  },
});
