/**
 * Tiny frozen builders for Deployment controller tests: `deployment("web", { replicas: 10,
 * maxSurge: 3 })`, `rs("web-v1", 5, { revision: 1 })`, and a Snapshot over plain objects.
 */
import type { KObject } from "../../../src/api/types";
import type { Deployment, ReplicaSet } from "../../../src/controllers/deployment";
import { POD_TEMPLATE_HASH_LABEL, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION } from "../../../src/controllers/deployment";
import type { Snapshot } from "../../../src/controllers/types";

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export const T0 = Date.parse("2026-11-25T00:00:00Z");
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export interface DeploymentOptions {
  replicas?: number;
  image?: string;
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  strategy?: "RollingUpdate" | "Recreate";
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
  annotations?: Record<string, string>;
  generation?: number;
  status?: Deployment["status"];
  uid?: string;
}

/** The docs' nginx deployment, defaulted as the apiserver would (25%/25%, 10 revisions, 600 s). */
export function deploymentObject(name: string, o: DeploymentOptions = {}): Deployment {
  const strategy = o.strategy === "Recreate"
    ? { type: "Recreate" }
    : { type: "RollingUpdate", rollingUpdate: { maxSurge: o.maxSurge ?? "25%", maxUnavailable: o.maxUnavailable ?? "25%" } };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name,
      namespace: "default",
      ...(o.uid ? { uid: o.uid } : {}),
      ...(o.generation ? { generation: o.generation } : {}),
      labels: { app: name },
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "nginx", image: o.image ?? "nginx:1.14.2", ports: [{ containerPort: 80 }] }] },
      },
      strategy,
      ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
      ...(o.paused ? { paused: true } : {}),
    },
    ...(o.status ? { status: o.status } : {}),
  };
}

export const deployment = (name: string, o: DeploymentOptions = {}): Deployment => deepFreeze(deploymentObject(name, o));

export interface RSOptions {
  created?: number;
  revision?: number;
  /** desired-replicas; max-replicas is desired + `surge`. */
  desired?: number;
  surge?: number;
  available?: number;
  actual?: number;
  owner?: Deployment;
  template?: Deployment["spec"]["template"];
  generation?: number;
  observedGeneration?: number;
}

export function rs(name: string, replicas: number, o: RSOptions = {}): ReplicaSet {
  const annotations: Record<string, string> = {};
  if (o.revision !== undefined) annotations[REVISION_ANNOTATION] = String(o.revision);
  if (o.desired !== undefined) {
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(o.desired);
    annotations[MAX_REPLICAS_ANNOTATION] = String(o.desired + (o.surge ?? 0));
  }
  const owner = o.owner;
  const template = o.template ?? deploymentObject(owner?.metadata.name ?? "foo").spec.template;
  return deepFreeze({
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name,
      namespace: "default",
      uid: `uid-${name}`,
      generation: o.generation ?? 1,
      creationTimestamp: iso(o.created ?? T0),
      labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: name },
      annotations,
      ...(owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: name } },
      template: { ...template, metadata: { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: name } } },
    },
    status: {
      replicas: o.actual ?? replicas,
      availableReplicas: o.available ?? replicas,
      readyReplicas: o.available ?? replicas,
      observedGeneration: o.observedGeneration ?? o.generation ?? 1,
    },
  });
}

/** A Snapshot over a fixed set of objects keyed by resource. */
export function snapshotOf(objects: Record<string, KObject[]>): Snapshot {
  const all = (resource: string) => objects[resource] ?? [];
  return {
    get: (resource, namespace, name) => all(resource).find((o) => (o.metadata.namespace ?? "") === namespace && o.metadata.name === name),
    list: (resource, namespace) => all(resource).filter((o) => namespace === undefined || o.metadata.namespace === namespace),
    ownedBy: (resource, uid) => all(resource).filter((o) => o.metadata.ownerReferences?.some((r) => r.controller && r.uid === uid)),
    podsOnNode: () => [],
  };
}
