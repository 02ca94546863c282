/**
 * The management API: create a cluster (D1 registry + its Durable Object), show it, hand out its
 * kubeconfig, delete it. Every call but create needs the cluster's bearer token.
 */
import { Hono } from "hono";
import { invalid, unauthorized, type StatusCause } from "../api/errors";
import type { Env } from "../env";
import { ClusterRegistry } from "../tenancy/registry";
import { bearerToken, hashToken, newClusterId, newToken } from "../tenancy/tokens";
import { checkSettings, type SimulationSettings } from "../sim/settings";
import { rfc3339 } from "../api/time";
import { kubeconfig } from "./kubeconfig";

export const MAX_NODES = 50;
const DEFAULT_NODES = 3;

const management = new Hono<{ Bindings: Env }>();

function clusterStub(env: Env, id: string) {
  return env.CLUSTERS.get(env.CLUSTERS.idFromName(id));
}

/** The validated `{name, nodes}` of a create request, or a 422 listing every bad field. */
function parseCreate(body: unknown, id: string): { name: string; nodes: number; simulation?: Partial<SimulationSettings> } {
  const causes: StatusCause[] = [];
  const input = (body ?? {}) as { name?: unknown; nodes?: unknown };
  if (typeof body !== "object" || Array.isArray(body)) {
    causes.push({ reason: "FieldValueInvalid", field: "", message: "Invalid value: the body must be a JSON object" });
  }
  const name = input.name ?? id;
  if (typeof name !== "string" || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
    causes.push({ reason: "FieldValueInvalid", field: "name", message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 label of at most 63 characters` });
  }
  const nodes = input.nodes ?? DEFAULT_NODES;
  if (typeof nodes !== "number" || !Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    causes.push({ reason: "FieldValueInvalid", field: "nodes", message: `Invalid value: ${JSON.stringify(nodes)}: must be an integer from 1 to ${MAX_NODES}` });
  }
  const simulation = (input as { simulation?: unknown }).simulation;
  if (simulation !== undefined) causes.push(...checkSettings(simulation));
  if (causes.length) throw invalid("Cluster", "kubeflare.dev", String(input.name ?? ""), causes);
  return { name: name as string, nodes: nodes as number, simulation: simulation as Partial<SimulationSettings> | undefined };
}

management.post("/clusters", async (c) => {
  const text = await c.req.text();
  let body: unknown = {};
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  const id = newClusterId();
  const { name, nodes, simulation } = parseCreate(body, id);
  const token = newToken();
  const tokenHash = await hashToken(token);
  const createdAt = rfc3339(Date.now());
  await clusterStub(c.env, id).init({ id, name, nodes, tokenHash, createdAt, simulation });
  await new ClusterRegistry(c.env.DB).add({ id, name, tokenHash, nodes, createdAt });
  const server = `${new URL(c.req.url).origin}/clusters/${id}`;
  return c.json({ id, name, server, token, kubeconfig: kubeconfig(id, server, token) }, 201);
});

management.get("/clusters/:id", async (c) => {
  const summary = await clusterStub(c.env, c.req.param("id")).summary(bearerToken(c.req.header("authorization") ?? null));
  if (!summary) throw unauthorized();
  return c.json(summary);
});

management.get("/clusters/:id/kubeconfig", async (c) => {
  const id = c.req.param("id");
  const token = bearerToken(c.req.header("authorization") ?? null);
  const summary = await clusterStub(c.env, id).summary(token);
  if (!summary || !token) throw unauthorized();
  const server = `${new URL(c.req.url).origin}/clusters/${id}`;
  return c.body(kubeconfig(id, server, token), 200, { "content-type": "application/yaml" });
});

management.delete("/clusters/:id", async (c) => {
  const id = c.req.param("id");
  const deleted = await clusterStub(c.env, id).destroy(bearerToken(c.req.header("authorization") ?? null));
  if (!deleted) throw unauthorized();
  await new ClusterRegistry(c.env.DB).remove(id);
  return c.json({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name: id, kind: "clusters" } });
});

/** Cluster state the Durable Object answers itself: settings, node failure, runtime and DNS views. */
function forward(path: (c: { req: { param(name: string): string } }) => string) {
  return (c: any) => {
    const url = new URL(c.req.url);
    url.pathname = `/_kubeflare/${path(c)}`;
    return clusterStub(c.env, c.req.param("id")).fetch(new Request(url, c.req.raw));
  };
}

management.patch("/clusters/:id", forward(() => "settings"));
management.get("/clusters/:id/nodes/:node/runtime", forward((c) => `nodes/${c.req.param("node")}/runtime`));
management.post("/clusters/:id/nodes/:node/fail", forward((c) => `nodes/${c.req.param("node")}/fail`));
management.post("/clusters/:id/nodes/:node/recover", forward((c) => `nodes/${c.req.param("node")}/recover`));
management.get("/clusters/:id/dns", forward(() => "dns"));
management.put("/clusters/:id/namespaces/:ns/services/:name/load", forward((c) => `namespaces/${c.req.param("ns")}/services/${c.req.param("name")}/load`));
management.put("/clusters/:id/external-metrics/:name", forward((c) => `external-metrics/${c.req.param("name")}`));
management.get("/clusters/:id/namespaces/:ns/deployments/:name/revisions", forward((c) => `namespaces/${c.req.param("ns")}/deployments/${c.req.param("name")}/revisions`));
management.get("/clusters/:id/namespaces/:ns/deployments/:name/revisions/:revision", forward((c) => `namespaces/${c.req.param("ns")}/deployments/${c.req.param("name")}/revisions/${c.req.param("revision")}`));
management.post("/clusters/:id/namespaces/:ns/deployments/:name/rollback", forward((c) => `namespaces/${c.req.param("ns")}/deployments/${c.req.param("name")}/rollback`));

export { management };
