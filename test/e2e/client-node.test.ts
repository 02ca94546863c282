/** @kubernetes/client-node with the kubeconfig the management API hands out: list, create, patch, watch, delete. */
import * as k8s from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { newCluster, type Cluster } from "./helpers";

let cluster: Cluster;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  cluster = await newCluster({ name: "client-node" });
  const res = await fetch(`${cluster.server.replace(/\/clusters\/.*/, "")}/v1/clusters/${cluster.id}/kubeconfig`, {
    headers: { authorization: `Bearer ${cluster.token}` },
  });
  expect(res.status).toBe(200);
  kc = new k8s.KubeConfig();
  kc.loadFromString(await res.text());
});

describe("@kubernetes/client-node", () => {
  it("lists nodes and namespaces", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(["node-1", "node-2", "node-3"]);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toContain("kube-system");
  });

  it("creates, patches and deletes a Deployment, and watches it happen", async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const events: string[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch(
      "/apis/apps/v1/namespaces/default/deployments",
      {},
      (type, obj: k8s.V1Deployment) => events.push(`${type} ${obj.metadata?.name} ${obj.spec?.replicas}`),
      () => {},
    );
    const created = await apps.createNamespacedDeployment({
      namespace: "default",
      body: {
        metadata: { name: "hello", labels: { app: "hello" } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: "hello" } },
          template: { metadata: { labels: { app: "hello" } }, spec: { containers: [{ name: "hello", image: "nginx:1.25" }] } },
        },
      },
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.spec?.strategy?.type).toBe("RollingUpdate");

    const patched = await apps.patchNamespacedDeployment(
      { name: "hello", namespace: "default", body: { spec: { replicas: 4 } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    expect(patched.spec?.replicas).toBe(4);

    const list = await apps.listNamespacedDeployment({ namespace: "default", labelSelector: "app=hello" });
    expect(list.items).toHaveLength(1);

    await apps.deleteNamespacedDeployment({ name: "hello", namespace: "default" });
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.startsWith("DELETED hello")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    req.abort();
    // The deployment controller's status writes arrive as MODIFIED events in between.
    expect(events[0]).toBe("ADDED hello 1");
    expect(events).toContain("MODIFIED hello 4");
    expect(events[events.length - 1]).toBe("DELETED hello 4");
  });

  it("reports API errors as Status objects", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const err = await core.readNamespacedConfigMap({ name: "missing", namespace: "default" }).catch((e) => e);
    expect(err).toBeInstanceOf(k8s.ApiException);
    expect(err.code).toBe(404);
    expect(JSON.parse(err.body)).toMatchObject({ kind: "Status", reason: "NotFound", message: 'configmaps "missing" not found' });
  });
});
