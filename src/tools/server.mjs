// Starts the Worker locally the way `npm start`, the end-to-end tests and the benchmark need it:
// D1 migrations applied, `wrangler dev` over HTTPS on 127.0.0.1, and a local scheduler that fires the
// scheduled event at every minute boundary (wrangler dev does not fire cron triggers by itself).
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

// The local certificate is self-signed; this process only ever talks to its own 127.0.0.1 server.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

export function applyMigrations(persistTo, stdio = "inherit") {
  const result = spawnSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], {
    cwd: ROOT,
    stdio,
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
  });
  if (result.status !== 0) throw new Error(`D1 migrations failed (exit ${result.status})`);
}

export async function waitForHealthy(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server at ${url} did not become healthy`);
}

/** Fires the Worker's scheduled event at every minute boundary, as the platform's cron trigger would. */
export function startLocalScheduler(url, log = () => {}) {
  let timer;
  const arm = () => {
    const now = Date.now();
    timer = setTimeout(async () => {
      try {
        const res = await fetch(`${url}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
        log(`scheduled event fired (${res.status})`);
      } catch (e) {
        log(`scheduled event failed: ${e.message}`);
      }
      arm();
    }, 60_000 - (now % 60_000) + 50);
  };
  arm();
  return () => clearTimeout(timer);
}

/**
 * Starts `wrangler dev` (HTTPS, local persistence under `persistTo`) and resolves once /healthz
 * answers. `vars` become Worker variables.
 */
export async function startServer({ port = 8787, persistTo = join(ROOT, ".wrangler", "state"), stdio = "inherit", vars = {}, scheduler = true } = {}) {
  applyMigrations(persistTo, stdio === "inherit" ? "inherit" : "ignore");
  const args = [
    WRANGLER, "dev",
    "--ip", "127.0.0.1",
    "--port", String(port),
    "--local-protocol", "https",
    "--persist-to", persistTo,
    "--test-scheduled",
    "--show-interactive-dev-session=false",
    "--log-level", stdio === "inherit" ? "info" : "warn",
  ];
  for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: stdio === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  let output = "";
  child.stdout?.on("data", (d) => (output = (output + d).slice(-20_000)));
  child.stderr?.on("data", (d) => (output = (output + d).slice(-20_000)));
  const url = `https://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    await Promise.race([
      waitForHealthy(url),
      exited.then((code) => { throw new Error(`wrangler dev exited (${code}):\n${output}`); }),
    ]);
  } catch (e) {
    child.kill("SIGTERM");
    throw e;
  }
  const stopScheduler = scheduler ? startLocalScheduler(url, stdio === "inherit" ? console.log : () => {}) : () => {};
  return {
    url,
    pid: child.pid,
    output: () => output,
    async stop() {
      stopScheduler();
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    },
  };
}
