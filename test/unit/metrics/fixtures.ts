/** A frozen in-memory Snapshot and pods as the kubelet leaves them (Running, Ready, containers running). */
import type { Container } from "kubernetes-types/core/v1";
import type { KObject } from "../../../src/api/types";
import type { Snapshot } from "../../../src/controllers/types";
import { newNode } from "../../../src/sim/nodes";

export const T0 = Date.parse("2026-11-25T00:00:00Z");
export const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
export const Mi = 1024 * 1024;

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const resourceOf: Record<string, string> = {
  Pod: "pods", Service: "services", Node: "nodes", Endpoints: "endpoints", Deployment: "deployments.apps", ReplicaSet: "replicasets.apps",
  StatefulSet: "statefulsets.apps", ReplicationController: "replicationcontrollers", Ingress: "ingresses.networking.k8s.io",
};

export function snapshotOf(objects: KObject[]): Snapshot {
  // In (namespace, name) order, as the Snapshot contract lists.
  const all = objects.map((o) => deepFreeze(o)).sort((a, b) => `${a.metadata.namespace ?? ""}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ""}/${b.metadata.name}`));
  const of = (resource: string) => all.filter((o) => resourceOf[o.kind!] === resource);
  return {
    get: (resource, namespace, name) => of(resource).find((o) => (o.metadata.namespace ?? "") === namespace && o.metadata.name === name),
    list: (resource, namespace) => of(resource).filter((o) => namespace === undefined || o.metadata.namespace === namespace),
    ownedBy: (resource, uid) => of(resource).filter((o) => o.metadata.ownerReferences?.some((r) => r.controller && r.uid === uid)),
    podsOnNode: (node) => of("pods").filter((o) => (o.spec as { nodeName?: string }).nodeName === node),
  };
}

let uids = 0;

export interface PodOpts {
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  phase?: string;
  ready?: boolean;
  /** Containers that are running (default: all). */
  running?: string[];
  startedAt?: number;
  node?: string;
  deleting?: boolean;
  owner?: string;
}

export function pod(name: string, containers: Container[], o: PodOpts = {}): KObject {
  const running = o.running ?? containers.map((c) => c.name);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name, namespace: o.namespace ?? "default", uid: `uid-${name}-${++uids}`,
      ...(o.labels ? { labels: o.labels } : {}), ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(o.deleting ? { deletionTimestamp: rfc3339(T0) } : {}),
      ...(o.owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: o.owner, controller: true }] } : {}),
    },
    spec: { nodeName: o.node ?? "node-1", containers },
    status: {
      phase: o.phase ?? "Running",
      conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        ready: running.includes(c.name),
        state: running.includes(c.name) ? { running: { startedAt: rfc3339(o.startedAt ?? T0 - 60_000) } } : { waiting: { reason: "ContainerCreating" } },
      })),
    },
  };
}

export function phpPod(name: string, o: PodOpts & { limit?: string } = {}): KObject {
  return pod(name, [{ name: "php-apache", image: "registry.k8s.io/hpa-example", ports: [{ containerPort: 80 }], resources: { requests: { cpu: "200m" }, ...(o.limit !== "none" ? { limits: { cpu: o.limit ?? "500m" } } : {}) } }], { labels: { run: "php-apache" }, ...o });
}

export function generator(name: string, url = "http://php-apache", o: PodOpts = {}): KObject {
  return pod(name, [{ name, image: "busybox:1.28", command: ["/bin/sh", "-c", `while sleep 0.01; do wget -q -O- ${url}; done`] }], o);
}

export function service(name: string, selector: Record<string, string> | undefined, o: { namespace?: string; annotations?: Record<string, string>; targetPort?: number | string } = {}): KObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: o.namespace ?? "default", uid: `uid-svc-${name}`, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: { ports: [{ port: 80, ...(o.targetPort !== undefined ? { targetPort: o.targetPort } : {}) }], ...(selector ? { selector } : {}) },
  };
}

export function node(index: number): KObject {
  return newNode(index, rfc3339(T0)) as KObject;
}
