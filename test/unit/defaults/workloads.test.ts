import { describe, expect, it } from "vitest";
import { changed, created, daemonSet, deployment, replicaSet, replicationController, statefulSet, typeOf } from "../validation/fixtures";

describe("apps/v1 and ReplicationController defaults", () => {
  it("Deployment: 1 replica, RollingUpdate 25%/25%, 10 revisions, 600 s deadline", () => {
    const { template: _, ...spec } = created(typeOf("Deployment", "apps"), deployment("web")).spec;
    expect(spec).toEqual({
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
  });

  it.each([
    ["keeps the given maxSurge", deployment("web", { maxSurge: 2 }), { type: "RollingUpdate", rollingUpdate: { maxSurge: 2, maxUnavailable: "25%" } }],
    ["adds no rollingUpdate to Recreate", changed(deployment("web"), (o) => { o.spec.strategy = { type: "Recreate" }; }), { type: "Recreate" }],
  ])("Deployment strategy %s", (_, obj, strategy) => {
    expect(created(typeOf("Deployment", "apps"), obj).spec.strategy).toEqual(strategy);
  });

  it("ReplicaSet: 1 replica and no labels copied from the template (apps/v1)", () => {
    const rs = created(typeOf("ReplicaSet", "apps"), replicaSet("web"));
    expect(rs.spec.replicas).toBe(1);
    expect(rs.metadata.labels).toBeUndefined();
  });

  it("ReplicationController: selector and labels from the template", () => {
    const rc = created(typeOf("ReplicationController"), replicationController("web"));
    expect(rc.spec).toMatchObject({ replicas: 1, selector: { app: "web" } });
    expect(rc.metadata.labels).toEqual({ app: "web" });
  });

  it("DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0", () => {
    const ds = created(typeOf("DaemonSet", "apps"), daemonSet("log"));
    expect(ds.spec.updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
  });

  it("StatefulSet: OrderedReady, partition 0, Retain/Retain, claim templates Filesystem and Pending", () => {
    const sts = created(typeOf("StatefulSet", "apps"), changed(statefulSet("db"), (o) => {
      o.spec.volumeClaimTemplates = [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }];
    }));
    const { template: _, ...spec } = sts.spec;
    expect(spec).toEqual({
      serviceName: "db",
      selector: { matchLabels: { app: "db" } },
      replicas: 1,
      podManagementPolicy: "OrderedReady",
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      revisionHistoryLimit: 10,
      volumeClaimTemplates: [{
        metadata: { name: "data" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, volumeMode: "Filesystem" },
        status: { phase: "Pending" },
      }],
    });
  });

  it("StatefulSet: OnDelete gets no rollingUpdate", () => {
    const sts = created(typeOf("StatefulSet", "apps"), changed(statefulSet("db"), (o) => { o.spec.updateStrategy = { type: "OnDelete" }; }));
    expect(sts.spec.updateStrategy).toEqual({ type: "OnDelete" });
  });
});
