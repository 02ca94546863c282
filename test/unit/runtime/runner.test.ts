import { describe, expect, it } from "vitest";
import { done, type Controller } from "../../../src/controllers/types";
import { SimCluster } from "./cluster";

/** A controller that counts ConfigMaps into a "count" ConfigMap: enough to exercise the runtime. */
function counter(): Controller & { runs: number } {
  const c = {
    name: "counter",
    runs: 0,
    keysFor: (change: { resource: string; object: { metadata: { name?: string } } }) =>
      change.resource === "configmaps" && change.object.metadata.name !== "count" ? ["default"] : [],
    reconcile(key: string, snap: Parameters<Controller["reconcile"]>[1]) {
      c.runs++;
      const n = snap.list("configmaps", key).filter((o) => o.metadata.name !== "count" && o.metadata.name !== "kube-root-ca.crt").length;
      const current = snap.get("configmaps", key, "count");
      const object = { apiVersion: "v1", kind: "ConfigMap", metadata: { ...(current?.metadata ?? { name: "count", namespace: key }) }, data: { n: String(n) } };
      return done([{ op: current ? "update" : "create", resource: "configmaps", object }]);
    },
  };
  return c;
}

describe("runner", () => {
  it("runs controllers to quiescence and leaves nothing queued", () => {
    const ctrl = counter();
    const cluster = new SimCluster([ctrl]);
    cluster.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } });
    cluster.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b" } });
    cluster.settle();
    expect(cluster.get("configmaps", "count")?.data).toEqual({ n: "2" });
    // Level-triggered: two changes before the run collapse into one queued key.
    expect(ctrl.runs).toBe(1);
    expect(cluster.store.nextDue()).toBeUndefined();
  });

  it("treats AlreadyExists on a deterministic create as success and requeues timed work", () => {
    let calls = 0;
    const timed: Controller = {
      name: "timed",
      keysFor: (change) => (change.resource === "namespaces" && change.object.metadata.name === "default" ? ["default"] : []),
      reconcile(key) {
        calls++;
        const object = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "marker", namespace: key } };
        return done([{ op: "create", resource: "configmaps", object }], calls < 3 ? 1000 : undefined);
      },
    };
    const cluster = new SimCluster([timed]);
    const start = cluster.now;
    cluster.settle();
    expect(cluster.get("configmaps", "marker", "default")).toBeDefined();
    // Three passes, one second apart; the second and third creates meet AlreadyExists, which is fine.
    expect(calls).toBe(3);
    expect(cluster.now - start).toBe(2000);
    expect(cluster.store.nextDue()).toBeUndefined();
  });
});
