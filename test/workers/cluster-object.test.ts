import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";

const origin = "https://kubeflare.test";

async function newCluster(nodes = 2) {
  const res = await exports.default.fetch(`${origin}/v1/clusters`, { method: "POST", body: JSON.stringify({ nodes }) });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string; server: string };
}

function api(cluster: { id: string; token: string }) {
  return (path: string, init: RequestInit = {}) =>
    exports.default.fetch(`${origin}/clusters/${cluster.id}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${cluster.token}`, "content-type": "application/json", ...(init.headers ?? {}) },
    });
}

const configMap = (name: string, data: Record<string, string>) => JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });

describe("ClusterObject", () => {
  it("keeps every object when the Durable Object restarts", async () => {
    const cluster = await newCluster();
    const call = api(cluster);
    expect((await call("/api/v1/namespaces/default/configmaps", { method: "POST", body: configMap("kept", { a: "1" }) })).status).toBe(201);
    const stub = env.CLUSTERS.get(env.CLUSTERS.idFromName(cluster.id));
    // Abort the instance: the next request builds a fresh one from storage alone.
    await runInDurableObject(stub, (_instance, state) => {
      state.abort("restart for test");
    }).catch(() => {});
    const res = await call("/api/v1/namespaces/default/configmaps/kept");
    expect(res.status).toBe(200);
    const cm = (await res.json()) as { data: Record<string, string>; metadata: { resourceVersion: string } };
    expect(cm.data).toEqual({ a: "1" });
    // The resourceVersion counter continues after the restart instead of starting over.
    const next = await call("/api/v1/namespaces/default/configmaps", { method: "POST", body: configMap("after", {}) });
    const after = (await next.json()) as { metadata: { resourceVersion: string } };
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(cm.metadata.resourceVersion));
  });

  it("rejects an update carrying a stale resourceVersion with 409 Conflict and keeps the stored object", async () => {
    const call = api(await newCluster());
    const created = (await (await call("/api/v1/namespaces/default/configmaps", { method: "POST", body: configMap("cm", { v: "1" }) })).json()) as any;
    const first = await call("/api/v1/namespaces/default/configmaps/cm", { method: "PUT", body: JSON.stringify({ ...created, data: { v: "2" } }) });
    expect(first.status).toBe(200);
    const stale = await call("/api/v1/namespaces/default/configmaps/cm", { method: "PUT", body: JSON.stringify({ ...created, data: { v: "3" } }) });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ kind: "Status", reason: "Conflict", message: expect.stringContaining("the object has been modified") });
    const stored = (await (await call("/api/v1/namespaces/default/configmaps/cm")).json()) as any;
    expect(stored.data).toEqual({ v: "2" });
  });

  it("replays exactly the changes after a watched resourceVersion", async () => {
    const call = api(await newCluster());
    const a = (await (await call("/api/v1/namespaces/default/configmaps", { method: "POST", body: configMap("a", {}) })).json()) as any;
    await call("/api/v1/namespaces/default/configmaps", { method: "POST", body: configMap("b", {}) });
    await call("/api/v1/namespaces/default/configmaps/a", { method: "DELETE" });
    const res = await call(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${a.metadata.resourceVersion}&timeoutSeconds=1`);
    expect(res.status).toBe(200);
    const lines = (await res.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l));
    expect(lines.map((e) => [e.type, e.object.metadata.name])).toEqual([["ADDED", "b"], ["DELETED", "a"]]);
  });

  it("sends synthetic ADDED events for a watch without a resourceVersion", async () => {
    const call = api(await newCluster());
    await call("/api/v1/namespaces/default/configmaps", { method: "POST", body: configMap("x", {}) });
    const res = await call("/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1");
    const names = (await res.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l)).map((e) => `${e.type} ${e.object.metadata.name}`);
    expect(names.sort()).toEqual(["ADDED kube-root-ca.crt", "ADDED x"]);
  });

  it("never opens a cluster with another cluster's token", async () => {
    const one = await newCluster(1);
    const two = await newCluster(1);
    const res = await api({ id: one.id, token: two.token })("/api/v1/namespaces");
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
  });

  it("forgets a deleted cluster entirely", async () => {
    const cluster = await newCluster(1);
    const del = await exports.default.fetch(`${origin}/v1/clusters/${cluster.id}`, { method: "DELETE", headers: { authorization: `Bearer ${cluster.token}` } });
    expect(del.status).toBe(200);
    expect((await api(cluster)("/api/v1/namespaces")).status).toBe(401);
    const row = await env.DB.prepare("SELECT id FROM clusters WHERE id = ?").bind(cluster.id).first();
    expect(row).toBeNull();
  });

  it("reports the alarms it ran and the reconciles per controller in its summary", async () => {
    const cluster = await newCluster(2);
    const stub = env.CLUSTERS.get(env.CLUSTERS.idFromName(cluster.id));
    // The seeded nodes queue controller work: run that alarm now unless it has already fired.
    await runDurableObjectAlarm(stub);
    const res = await exports.default.fetch(`${origin}/v1/clusters/${cluster.id}`, { headers: { authorization: `Bearer ${cluster.token}` } });
    const { activity } = (await res.json()) as { activity: { since: string; alarms: number; wakes: number; reconciles: Record<string, number> } };
    expect(activity.alarms).toBeGreaterThanOrEqual(1);
    expect(activity.wakes).toBe(0);
    expect(Date.parse(activity.since)).not.toBeNaN();
    const total = Object.values(activity.reconciles).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    expect(Object.keys(activity.reconciles)).not.toContain("horizontal-pod-autoscaler");
  });
});
