/** Frozen fixtures and a read-only Snapshot over them, for reconcile tests that assert on writes. */
import type { KObject } from "../../../src/api/types";
import type { Snapshot, Write } from "../../../src/controllers/types";

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export function snapshotOf(objects: Record<string, KObject[]>): Snapshot {
  const frozen = Object.fromEntries(Object.entries(objects).map(([r, list]) => [r, list.map((o) => deepFreeze(structuredClone(o)))]));
  const all = (r: string) => frozen[r] ?? [];
  return {
    get: (r, ns, name) => all(r).find((o) => (o.metadata.namespace ?? "") === ns && o.metadata.name === name),
    list: (r, ns) => all(r).filter((o) => ns === undefined || o.metadata.namespace === ns),
    ownedBy: (r, uid) => all(r).filter((o) => o.metadata.ownerReferences?.some((ref) => ref.controller && ref.uid === uid)),
    podsOnNode: (node) => all("pods").filter((p) => (p.spec as { nodeName?: string }).nodeName === node),
  };
}

export const T0 = Date.parse("2026-11-25T00:00:00Z");
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

/** A stored, defaulted-enough Job. */
export function storedJob(name: string, spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}): KObject {
  const uid = `uid-${name}`;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: "default", uid, resourceVersion: "10", creationTimestamp: at(0) },
    spec: {
      completions: 1, parallelism: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: false, podReplacementPolicy: "TerminatingOrFailed",
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": uid } },
      template: {
        metadata: { labels: { "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name, "controller-uid": uid, "job-name": name } },
        spec: { containers: [{ name: "main", image: "busybox", command: ["sh", "-c", "sleep 1"] }], restartPolicy: "Never" },
      },
      ...spec,
    },
    status,
  };
}

export interface PodState {
  phase?: "Pending" | "Running" | "Succeeded" | "Failed";
  finalizer?: boolean;
  index?: number;
  finishedAt?: number;
  exitCode?: number;
  deleting?: boolean;
  ready?: boolean;
}

export function storedPod(job: KObject, name: string, s: PodState = {}): KObject {
  const phase = s.phase ?? "Running";
  const terminated = phase === "Succeeded" || phase === "Failed";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name, namespace: "default", uid: `uid-${name}`, resourceVersion: "5", creationTimestamp: at(0),
      labels: { "job-name": job.metadata.name! },
      ...(s.index !== undefined ? { annotations: { "batch.kubernetes.io/job-completion-index": String(s.index) } } : {}),
      ...(s.finalizer === false ? {} : { finalizers: ["batch.kubernetes.io/job-tracking"] }),
      ...(s.deleting ? { deletionTimestamp: at(1), deletionGracePeriodSeconds: 30 } : {}),
      ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: job.metadata.name!, uid: job.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: { nodeName: "node-1", containers: [{ name: "main", image: "busybox" }], restartPolicy: "Never" },
    status: {
      phase,
      conditions: [{ type: "Ready", status: s.ready ?? phase === "Running" ? "True" : "False", lastTransitionTime: at(s.finishedAt ?? 0) }],
      containerStatuses: [{
        name: "main", image: "busybox", imageID: "", ready: false, restartCount: 0,
        state: terminated ? { terminated: { exitCode: s.exitCode ?? (phase === "Failed" ? 1 : 0), finishedAt: at(s.finishedAt ?? 1) } } : { running: { startedAt: at(0) } },
      }],
    },
  };
}

export const ops = (writes: Write[]) =>
  writes.map((w) => {
    switch (w.op) {
      case "create":
      case "update":
      case "status":
        return `${w.op} ${w.resource} ${w.object.metadata.name}`;
      case "delete":
        return `delete ${w.resource} ${w.name}`;
      case "event":
        return `event ${w.reason}`;
      default:
        return w.op;
    }
  });

export const statusOf = (writes: Write[]) => {
  const w = writes.find((x) => x.op === "status");
  return w && w.op === "status" ? (w.object.status as Record<string, any>) : undefined;
};
