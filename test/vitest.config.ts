import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

// Three projects: pure unit/scenario tests in Node, Durable Object tests inside workerd, and
// end-to-end tests against a real `wrangler dev` driven by kubectl and @kubernetes/client-node.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          root: `${root}/test/unit`,
          include: ["**/*.test.ts"],
          environment: "node",
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: `${root}/wrangler.toml` },
            miniflare: { bindings: { TEST_MIGRATIONS: await readD1Migrations(`${root}/migrations`) } },
          })),
        ],
        test: {
          name: "workers",
          root: `${root}/test/workers`,
          include: ["**/*.test.ts"],
          setupFiles: ["./apply-migrations.ts"],
        },
      },
      {
        test: {
          name: "e2e",
          root: `${root}/test/e2e`,
          include: ["**/*.test.ts"],
          environment: "node",
          globalSetup: ["./global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One server for the whole suite; files run one at a time so kubectl runs never starve it.
          fileParallelism: false,
        },
      },
    ],
  },
});
