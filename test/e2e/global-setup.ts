import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM helper shared with `npm start` and the benchmark
import { startServer } from "../../src/tools/server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    serverUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/** One real `wrangler dev` for the whole end-to-end suite, on a free port with throwaway storage. */
export default async function setup(project: TestProject) {
  const persistTo = mkdtempSync(join(tmpdir(), "kubeflare-e2e-"));
  const server = await startServer({ port: await freePort(), persistTo, stdio: "pipe", scheduler: false });
  project.provide("serverUrl", server.url);
  return async () => {
    await server.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
}
