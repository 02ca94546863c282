/** A ready-to-use kubeconfig for one cluster: bearer token, current-context set. */
import { stringify } from "yaml";

/** Local servers use wrangler's self-signed certificate, which kubectl can only skip-verify. */
function isLoopback(server: string): boolean {
  const host = new URL(server).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
}

export function kubeconfig(id: string, server: string, token: string): string {
  const name = `kubeflare-${id}`;
  const cluster: Record<string, unknown> = { server };
  if (isLoopback(server)) cluster["insecure-skip-tls-verify"] = true;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: "default" } }],
    "current-context": name,
    preferences: {},
  });
}
