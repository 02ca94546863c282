/** The Kubernetes API the way a curl tutorial or an HTTP program uses it. */
import { beforeAll, describe, expect, it } from "vitest";
import { api, newCluster, serverUrl, type Cluster } from "./helpers";

let cluster: Cluster;
const json = { "content-type": "application/json" };

beforeAll(async () => {
  cluster = await newCluster({ name: "http-api", nodes: 2 });
});

describe("management API", () => {
  it("shows a cluster's summary and refuses it without the token", async () => {
    const res = await fetch(`${serverUrl()}/v1/clusters/${cluster.id}`, { headers: { authorization: `Bearer ${cluster.token}` } });
    expect(res.status).toBe(200);
    const summary = (await res.json()) as any;
    expect(summary).toMatchObject({ id: cluster.id, name: "http-api", nodes: 2, objects: { nodes: 2, namespaces: 4 } });
    expect((await fetch(`${serverUrl()}/v1/clusters/${cluster.id}`)).status).toBe(401);
  });

  it("validates the create request", async () => {
    const res = await fetch(`${serverUrl()}/v1/clusters`, { method: "POST", body: JSON.stringify({ nodes: 0, name: "Bad_Name" }) });
    expect(res.status).toBe(422);
    const status = (await res.json()) as any;
    expect(status.details.causes.map((c: { field: string }) => c.field)).toEqual(["name", "nodes"]);
  });

  it("serves its OpenAPI document and docs page", async () => {
    expect(await (await fetch(`${serverUrl()}/openapi.yaml`)).text()).toContain("/v1/clusters:");
    expect(await (await fetch(`${serverUrl()}/docs`)).text()).toContain("<code>/v1/clusters/{id}/kubeconfig</code>");
    expect(await (await fetch(`${serverUrl()}/healthz`)).text()).toBe("ok");
  });
});

describe("Kubernetes API over plain HTTP", () => {
  it("takes a YAML body as is", async () => {
    const yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  greeting: hello\n";
    const res = await api(cluster, "/api/v1/namespaces/default/configmaps", { method: "POST", headers: { "content-type": "application/yaml" }, body: yaml });
    expect(res.status).toBe(201);
    expect((await res.json()) as any).toMatchObject({ kind: "ConfigMap", metadata: { name: "from-yaml", namespace: "default" }, data: { greeting: "hello" } });
  });

  it("generates names, dry-runs without storing, and names missing objects as upstream", async () => {
    const gen = await api(cluster, "/api/v1/namespaces/default/configmaps", { method: "POST", headers: json, body: JSON.stringify({ metadata: { generateName: "cm-" } }) });
    expect(((await gen.json()) as any).metadata.name).toMatch(/^cm-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const dry = await api(cluster, "/api/v1/namespaces/default/configmaps?dryRun=All", { method: "POST", headers: json, body: JSON.stringify({ metadata: { name: "dry" } }) });
    expect(dry.status).toBe(201);
    expect((await api(cluster, "/api/v1/namespaces/default/configmaps/dry")).status).toBe(404);
    const missing = (await (await api(cluster, "/apis/apps/v1/namespaces/default/deployments/web")).json()) as any;
    expect(missing).toMatchObject({ reason: "NotFound", message: 'deployments.apps "web" not found', code: 404 });
  });

  it("refuses a body over the size limit with 413 and stores nothing", async () => {
    const big = JSON.stringify({ metadata: { name: "huge" }, data: { blob: "x".repeat(3 * 1024 * 1024 + 10) } });
    const res = await api(cluster, "/api/v1/namespaces/default/configmaps", { method: "POST", headers: json, body: big });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).reason).toBe("RequestEntityTooLarge");
    expect((await api(cluster, "/api/v1/namespaces/default/configmaps/huge")).status).toBe(404);
  });

  it("answers malformed JSON with 400 and a wrong namespace with 404", async () => {
    const bad = await api(cluster, "/api/v1/namespaces/default/configmaps", { method: "POST", headers: json, body: "{not json" });
    expect(bad.status).toBe(400);
    const nons = await api(cluster, "/api/v1/namespaces/nowhere/configmaps", { method: "POST", headers: json, body: JSON.stringify({ metadata: { name: "x" } }) });
    expect(nons.status).toBe(404);
    expect(((await nons.json()) as any).message).toBe('namespaces "nowhere" not found');
  });

  it("pages a list with limit and continue", async () => {
    for (const n of ["p1", "p2", "p3"]) {
      await api(cluster, "/api/v1/namespaces/default/configmaps", { method: "POST", headers: json, body: JSON.stringify({ metadata: { name: n, labels: { page: "yes" } } }) });
    }
    const first = (await (await api(cluster, "/api/v1/namespaces/default/configmaps?labelSelector=page%3Dyes&limit=2")).json()) as any;
    expect(first.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(["p1", "p2"]);
    expect(first.metadata.continue).toBeTruthy();
    const second = (await (await api(cluster, `/api/v1/namespaces/default/configmaps?labelSelector=page%3Dyes&limit=2&continue=${encodeURIComponent(first.metadata.continue)}`)).json()) as any;
    expect(second.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(["p3"]);
    expect(second.metadata.continue).toBeUndefined();
  });

  it("scales through the scale subresource and bumps generation only on spec changes", async () => {
    const deployment = {
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" },
      spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } } },
    };
    expect((await api(cluster, "/apis/apps/v1/namespaces/default/deployments", { method: "POST", headers: json, body: JSON.stringify(deployment) })).status).toBe(201);
    const scaled = await api(cluster, "/apis/apps/v1/namespaces/default/deployments/web/scale", { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: JSON.stringify({ spec: { replicas: 5 } }) });
    expect((await scaled.json()) as any).toMatchObject({ kind: "Scale", apiVersion: "autoscaling/v1", spec: { replicas: 5 }, status: { selector: "app=web" } });
    const labelled = await api(cluster, "/apis/apps/v1/namespaces/default/deployments/web", { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: JSON.stringify({ metadata: { labels: { a: "b" } } }) });
    expect(((await labelled.json()) as any).metadata.generation).toBe(2);
    const immutable = await api(cluster, "/apis/apps/v1/namespaces/default/deployments/web", { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: JSON.stringify({ spec: { selector: { matchLabels: { app: "other" } } } }) });
    expect(immutable.status).toBe(422);
    expect(((await immutable.json()) as any).details.causes).toContainEqual(expect.objectContaining({ field: "spec.selector" }));
  });

  it("serves HPAs stored once as both autoscaling/v2 and v1", async () => {
    const v1 = { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "web" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 60 } };
    expect((await api(cluster, "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers", { method: "POST", headers: json, body: JSON.stringify(v1) })).status).toBe(201);
    const v2 = (await (await api(cluster, "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web")).json()) as any;
    expect(v2.spec.metrics).toEqual([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } }]);
    const back = (await (await api(cluster, "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web")).json()) as any;
    expect(back.spec.targetCPUUtilizationPercentage).toBe(60);
  });
});
