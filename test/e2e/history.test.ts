/** Deployment history in D1: every revision kept, and a rollback to one whose ReplicaSet is gone. */
import { beforeAll, describe, expect, it } from "vitest";
import { newCluster, ok, serverUrl, type Cluster } from "./helpers";

let cluster: Cluster;

const manage = (path: string, init: RequestInit = {}) =>
  fetch(`${serverUrl()}/v1/clusters/${cluster.id}${path}`, { ...init, headers: { authorization: `Bearer ${cluster.token}`, "content-type": "application/json", ...(init.headers ?? {}) } });

beforeAll(async () => {
  cluster = await newCluster({ name: "history", nodes: 2, simulation: { profile: "fast" } });
});

describe("Deployment revisions in D1", () => {
  it("keeps revisions beyond revisionHistoryLimit and rolls back to a cleaned-up one", async () => {
    await ok(cluster, ["create", "deployment", "web", "--image=nginx:1.14.2", "--replicas=2"]);
    await ok(cluster, ["patch", "deployment", "web", "-p", '{"spec":{"revisionHistoryLimit":1}}']);
    await ok(cluster, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    for (const version of ["1.16.1", "1.25", "1.27"]) {
      await ok(cluster, ["annotate", "deployment", "web", `kubernetes.io/change-cause=image ${version}`, "--overwrite"]);
      await ok(cluster, ["set", "image", "deployment/web", `nginx=nginx:${version}`]);
      await ok(cluster, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    }
    // revisionHistoryLimit 1: only the current ReplicaSet and one old one remain in the cluster.
    const sets = JSON.parse(await ok(cluster, ["get", "rs", "-l", "app=web", "-o", "json"])).items;
    expect(sets.length).toBe(2);
    expect(await ok(cluster, ["rollout", "history", "deployment/web"])).not.toMatch(/^1\s/m);

    const list = (await (await manage("/namespaces/default/deployments/web/revisions")).json()) as any;
    expect(list.items.map((r: any) => [r.revision, r.template.spec.containers[0].image, r.changeCause])).toEqual([
      [1, "nginx:1.14.2", null],
      [2, "nginx:1.16.1", "image 1.16.1"],
      [3, "nginx:1.25", "image 1.25"],
      [4, "nginx:1.27", "image 1.27"],
    ]);
    const one = (await (await manage("/namespaces/default/deployments/web/revisions/1")).json()) as any;
    expect(one).toMatchObject({ revision: 1, replicas: 2 });
    expect(one.template.metadata.labels).toEqual({ app: "web" });

    const rollback = await manage("/namespaces/default/deployments/web/rollback", { method: "POST", body: JSON.stringify({ toRevision: 1 }) });
    expect(rollback.status).toBe(200);
    await ok(cluster, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    const image = await ok(cluster, ["get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"]);
    expect(image).toBe("nginx:1.14.2");
    expect(await ok(cluster, ["get", "deployment", "web"])).toMatch(/^web\s+2\/2\s+2\s+2\s+/m);
  });

  it("answers unknown revisions and bad requests with Status errors", async () => {
    const missing = await manage("/namespaces/default/deployments/web/revisions/99");
    expect(missing.status).toBe(404);
    const bad = await manage("/namespaces/default/deployments/web/rollback", { method: "POST", body: JSON.stringify({ toRevision: "one" }) });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as any).details.causes[0].field).toBe("toRevision");
  });
});
