import { spawnSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { inject } from "vitest";

// The local server's certificate is self-signed; tests only talk to 127.0.0.1.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

export const serverUrl = () => inject("serverUrl");

export interface Cluster {
  id: string;
  token: string;
  server: string;
  kubeconfig: string;
  /** Path of the kubeconfig file written for kubectl. */
  kubeconfigPath: string;
}

export async function newCluster(body: Record<string, unknown> = {}): Promise<Cluster> {
  const res = await fetch(`${serverUrl()}/v1/clusters`, { method: "POST", body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`create cluster: ${res.status} ${await res.text()}`);
  const cluster = (await res.json()) as Omit<Cluster, "kubeconfigPath">;
  const dir = mkdtempSync(join(tmpdir(), "kubeflare-kubectl-"));
  const kubeconfigPath = join(dir, "config");
  writeFileSync(kubeconfigPath, cluster.kubeconfig);
  return { ...cluster, kubeconfigPath };
}

/**
 * The kubectl to run: KUBECTL if set, else the versioned binary beside the machine's kubectl
 * (the gcloud dispatcher would pick the same one from the server's reported version), else `kubectl`.
 */
let defaultVersion = process.env.KUBECTL_VERSION ?? "1.31";

/** The kubectl version that calls without an explicit `version` use (suites switch it per run). */
export function useKubectlVersion(version: string): void {
  defaultVersion = version;
}

/**
 * The versions among 1.31–1.33 that this machine has as versioned binaries (the gcloud kubectl ships
 * them beside the dispatcher); says which it skipped. Without any, the plain `kubectl` on PATH runs.
 */
export function installedKubectlVersions(wanted = ["1.31", "1.32", "1.33"]): string[] {
  const found = wanted.filter((v) => kubectlBinary(v).endsWith(`kubectl.${v}`));
  const skipped = wanted.filter((v) => !found.includes(v));
  if (skipped.length) console.warn(`kubectl versions not installed here, skipped: ${skipped.join(", ")}`);
  return found.length ? found : [defaultVersion];
}

export function kubectlBinary(version = defaultVersion): string {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  const which = spawnSync("sh", ["-c", "command -v kubectl"], { encoding: "utf8" }).stdout.trim();
  if (!which) throw new Error("kubectl is not installed: the end-to-end tests need it on PATH (or KUBECTL=/path/to/kubectl)");
  const real = spawnSync("readlink", ["-f", which], { encoding: "utf8" }).stdout.trim();
  const versioned = join(dirname(real), `kubectl.${version}`);
  return existsSync(versioned) ? versioned : which;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl against `cluster`, with a throwaway cache dir so discovery is always fresh per cluster. */
export function kubectl(cluster: Cluster, args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number; version?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(kubectlBinary(opts.version), args, {
      env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath, HOME: dirname(cluster.kubeconfigPath), ...(opts.env ?? {}) },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** kubectl that must succeed; returns stdout. */
export async function ok(cluster: Cluster, args: string[], opts: Parameters<typeof kubectl>[2] = {}): Promise<string> {
  const run = await kubectl(cluster, args, opts);
  if (run.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${run.code}):\n${run.stderr}${run.stdout}`);
  return run.stdout;
}

export async function api(cluster: Cluster, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${cluster.server}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${cluster.token}`, ...(init.headers ?? {}) },
  });
}

/** A long-running kubectl (get -w) whose output can be awaited. */
export function spawnKubectl(cluster: Cluster, args: string[]) {
  const child = spawn(kubectlBinary(), args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath, HOME: dirname(cluster.kubeconfigPath) } });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  return {
    output: () => out,
    async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: () => child.kill("SIGTERM"),
  };
}

/** Polls `probe` until it returns something truthy (errors count as "not yet"). */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
}
