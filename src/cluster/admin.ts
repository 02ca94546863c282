/**
 * The cluster's management endpoints that need its state (the Worker forwards them here under
 * /_kubeflare/): simulation settings, failing and recovering nodes, the per-node runtime view
 * (like `crictl pods` / `crictl ps`) and the DNS view.
 */
import { Hono } from "hono";
import { ApiError, badRequest, invalid, notFound, statusResponse } from "../api/errors";
import { create, patch, type ApiContext, type Target } from "../api/rest";
import { EXTERNAL_METRICS_CONFIGMAP } from "../sim/externalMetrics";
import { LOAD_ANNOTATION } from "../sim/metrics";
import { RESOURCE_TYPES } from "../api/resources";
import type { KObject } from "../api/types";
import { storeSnapshot } from "../controllers/snapshot";
import { resolveDns } from "../sim/dns";
import { FAILED_ANNOTATION } from "../sim/nodeLifecycle";
import { readRecord, runtimeView } from "../sim/kubelet";
import { checkSettings, type SimulationSettings } from "../sim/settings";
import type { ClusterHistory } from "../tenancy/history";


export interface AdminHost {
  context: ApiContext;
  run<T>(write: () => T): T;
  settings(): SimulationSettings;
  configure(settings: Partial<SimulationSettings>): SimulationSettings;
  /** D1 history, after the outbox is flushed (so a revision just made is there). */
  history(): Promise<ClusterHistory>;
}

const DEPLOYMENTS: Target = { type: RESOURCE_TYPES.find((t) => t.kind === "Deployment")!, version: "v1", namespace: "" };

function revisionView(row: { namespace: string; name: string; revision: number; template: string; changeCause: string | null; replicas: number; recordedAt: string }) {
  return { namespace: row.namespace, deployment: row.name, revision: row.revision, changeCause: row.changeCause, replicas: row.replicas, recordedAt: row.recordedAt, template: JSON.parse(row.template) };
}

const NODES: Target = { type: RESOURCE_TYPES.find((t) => t.kind === "Node")!, version: "v1", namespace: "" };

function parseSettings(body: unknown): Partial<SimulationSettings> {
  const simulation = (body as { simulation?: unknown } | null)?.simulation;
  const causes = simulation === undefined
    ? [{ reason: "FieldValueRequired", field: "simulation", message: "Required value" }]
    : checkSettings(simulation);
  if (causes.length) throw invalid("Cluster", "kubeflare.dev", "", causes);
  return simulation as Partial<SimulationSettings>;
}

/** One node's sandboxes (pause containers) and the containers sharing each, like crictl shows them. */
function nodeRuntime(ctx: ApiContext, node: string) {
  if (!ctx.store.get("nodes", "", node)) throw notFound("nodes", "", node);
  const pods = ctx.store.podsOnNode(node);
  const view = runtimeView(pods);
  const sandboxes = pods.flatMap((pod: KObject) => {
    const record = readRecord(pod);
    if (!record) return [];
    return [{
      id: record.id,
      pod: { namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
      state: record.state,
      image: record.image,
      ip: record.ip ?? null,
      namespaces: record.namespaces,
      createdAt: new Date(record.createdAt).toISOString(),
      containers: view.containers
        .filter((c) => c.podId === record.id)
        .map((c) => ({ id: c.id, name: c.name, image: c.image, state: c.state, attempt: c.attempt, createdAt: new Date(c.created).toISOString(), ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}) })),
    }];
  });
  return { node, runtime: "containerd://1.7.18 (simulated)", sandboxes };
}

export function adminRoutes(host: AdminHost) {
  const app = new Hono().basePath("/_kubeflare");
  app.onError((error) => statusResponse(error instanceof ApiError ? error : error));

  app.get("/settings", (c) => c.json(host.settings()));
  app.patch("/settings", async (c) => {
    const body = await c.req.json().catch(() => {
      throw badRequest("the body must be JSON");
    });
    return c.json({ simulation: host.configure(parseSettings(body)) });
  });

  app.get("/nodes/:node/runtime", (c) => c.json(nodeRuntime(host.context, c.req.param("node"))));

  for (const [action, failed] of [["fail", true], ["recover", false]] as const) {
    app.post(`/nodes/:node/${action}`, (c) => {
      const node = c.req.param("node");
      const updated = host.run(() => patch(host.context, NODES, node, "merge", { metadata: { annotations: { [FAILED_ANNOTATION]: failed ? "true" : null } } }).object);
      return c.json(updated);
    });
  }

  app.get("/namespaces/:ns/deployments/:name/revisions", async (c) => {
    const rows = await (await host.history()).revisions(c.req.param("ns"), c.req.param("name"));
    return c.json({ items: rows.map(revisionView) });
  });

  app.get("/namespaces/:ns/deployments/:name/revisions/:revision", async (c) => {
    const { ns, name } = c.req.param();
    const revision = Number(c.req.param("revision"));
    const row = Number.isInteger(revision) ? await (await host.history()).revision(ns, name, revision) : undefined;
    if (!row) throw new ApiError(404, "NotFound", `revision ${c.req.param("revision")} of deployment ${ns}/${name} not found`, { name, group: "apps", kind: "deployments" });
    return c.json(revisionView(row));
  });

  /** Rolls back to any recorded revision, even one whose ReplicaSet was cleaned up long ago. */
  app.post("/namespaces/:ns/deployments/:name/rollback", async (c) => {
    const { ns, name } = c.req.param();
    const body = (await c.req.json().catch(() => ({}))) as { toRevision?: unknown };
    const revision = body.toRevision;
    if (typeof revision !== "number" || !Number.isInteger(revision) || revision < 1) {
      throw invalid("Rollback", "kubeflare.dev", name, [{ reason: "FieldValueInvalid", field: "toRevision", message: `Invalid value: ${JSON.stringify(revision)}: must be a revision number >= 1` }]);
    }
    const row = await (await host.history()).revision(ns, name, revision);
    if (!row) throw new ApiError(404, "NotFound", `revision ${revision} of deployment ${ns}/${name} not found`, { name, group: "apps", kind: "deployments" });
    const target = { ...DEPLOYMENTS, namespace: ns };
    const rolledBack = host.run(() => patch(host.context, target, name, "json", [{ op: "replace", path: "/spec/template", value: JSON.parse(row.template) }]).object);
    return c.json(rolledBack);
  });

  /** Load on a Service for curl tutorials: requests per second spread over its ready endpoints. */
  app.put("/namespaces/:ns/services/:name/load", async (c) => {
    const { ns, name } = c.req.param();
    const body = (await c.req.json().catch(() => ({}))) as { requestsPerSecond?: unknown };
    const rps = body.requestsPerSecond;
    if (typeof rps !== "number" || !(rps >= 0)) {
      throw invalid("Load", "kubeflare.dev", name, [{ reason: "FieldValueInvalid", field: "requestsPerSecond", message: `Invalid value: ${JSON.stringify(rps)}: must be a number >= 0` }]);
    }
    const services = { type: RESOURCE_TYPES.find((t) => t.kind === "Service")!, version: "v1", namespace: ns };
    host.run(() => patch(host.context, services, name, "merge", { metadata: { annotations: { [LOAD_ANNOTATION]: rps === 0 ? null : String(rps) } } }));
    return c.json({ namespace: ns, service: name, requestsPerSecond: rps });
  });

  /** An external metric's value (external.metrics.k8s.io), kept in a kube-system ConfigMap. */
  app.put("/external-metrics/:name", async (c) => {
    const name = c.req.param("name");
    const body = (await c.req.json().catch(() => ({}))) as { value?: unknown };
    const value = typeof body.value === "number" ? String(body.value) : body.value;
    if (typeof value !== "string" || !/^[0-9.]+[mkMGTPE]?i?$/.test(value)) {
      throw invalid("ExternalMetric", "kubeflare.dev", name, [{ reason: "FieldValueInvalid", field: "value", message: `Invalid value: ${JSON.stringify(body.value)}: must be a quantity such as 30 or 1500m` }]);
    }
    const { namespace, name: cmName } = EXTERNAL_METRICS_CONFIGMAP;
    const configMaps = { type: RESOURCE_TYPES.find((t) => t.kind === "ConfigMap")!, version: "v1", namespace };
    host.run(() => {
      if (!host.context.store.get("configmaps", namespace, cmName)) {
        create(host.context, configMaps, { metadata: { name: cmName }, data: { [name]: value } });
      } else {
        patch(host.context, configMaps, cmName, "merge", { data: { [name]: value } });
      }
    });
    return c.json({ metricName: name, value });
  });

  app.get("/dns", (c) => {
    const name = c.req.query("name");
    if (!name) throw badRequest("the name query parameter is required, e.g. ?name=web.default.svc.cluster.local");
    const answer = resolveDns(name, storeSnapshot(host.context.store), "cluster.local", c.req.query("namespace"));
    if (!answer) throw new ApiError(404, "NotFound", `no DNS record for "${name}" (NXDOMAIN)`, { name, kind: "dns" });
    return c.json(answer);
  });
  return app;
}
