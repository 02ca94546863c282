/** Tiny builders for Services, pods, nodes and storage objects, as they look once stored. */
import type { KObject } from "../../../src/api/types";
import { newNode } from "../../../src/sim/nodes";
import { deepFreeze, rfc3339, T0 } from "./harness";

export const NODE_IPS: Record<string, string> = { "node-1": "172.18.0.2", "node-2": "172.18.0.3", "node-3": "172.18.0.4" };

export function node(index: number): KObject {
  return deepFreeze(newNode(index, rfc3339(T0)));
}

export function namespace(name: string): KObject {
  return deepFreeze({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
}

export interface ServiceOpts {
  namespace?: string;
  selector?: Record<string, string>;
  ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string }[];
  clusterIP?: string;
  type?: string;
  externalName?: string;
  publishNotReadyAddresses?: boolean;
  labels?: Record<string, string>;
}

export function service(name: string, opts: ServiceOpts = {}): KObject {
  const spec: Record<string, unknown> = {};
  if (opts.type) spec.type = opts.type;
  if (opts.type === "ExternalName") spec.externalName = opts.externalName ?? "example.com";
  else spec.clusterIP = opts.clusterIP ?? "10.96.0.10";
  if (opts.selector) spec.selector = opts.selector;
  if (opts.ports ?? opts.type !== "ExternalName") spec.ports = opts.ports ?? [{ port: 80 }];
  if (opts.publishNotReadyAddresses) spec.publishNotReadyAddresses = true;
  return deepFreeze({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: opts.namespace ?? "default", ...(opts.labels ? { labels: opts.labels } : {}) },
    spec,
  });
}

export interface PodOpts {
  namespace?: string;
  labels?: Record<string, string>;
  /** The pod IP; without one the pod has no sandbox yet (Pending). */
  ip?: string;
  node?: string;
  ready?: boolean;
  phase?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  hostname?: string;
  subdomain?: string;
  claims?: string[];
  restartPolicy?: string;
}

/** A pod as the scheduler and kubelet leave it: scheduled to `node`, Running with `ip`, Ready when `ready`. */
export function pod(name: string, opts: PodOpts = {}): KObject {
  const ready = opts.ready ?? true;
  const running = !!opts.ip;
  const phase = opts.phase ?? (running ? "Running" : "Pending");
  const t = rfc3339(T0);
  const cond = (type: string, status: boolean) => ({ type, status: status ? "True" : "False", lastProbeTime: null, lastTransitionTime: t });
  const conditions = [];
  if (opts.node) conditions.push(cond("PodScheduled", true));
  if (running) conditions.push(cond("Initialized", true), cond("ContainersReady", ready), cond("Ready", ready));
  const spec: Record<string, unknown> = {
    containers: [{ name: "app", image: "nginx:1.27", ...(opts.ports ? { ports: opts.ports } : {}) }],
    ...(opts.node ? { nodeName: opts.node } : {}),
    ...(opts.hostname ? { hostname: opts.hostname } : {}),
    ...(opts.subdomain ? { subdomain: opts.subdomain } : {}),
    ...(opts.restartPolicy ? { restartPolicy: opts.restartPolicy } : {}),
  };
  if (opts.claims) spec.volumes = opts.claims.map((claim, i) => ({ name: `data-${i}`, persistentVolumeClaim: { claimName: claim } }));
  const status: Record<string, unknown> = { phase, conditions, qosClass: "BestEffort" };
  if (running) {
    Object.assign(status, { podIP: opts.ip, podIPs: [{ ip: opts.ip }], hostIP: NODE_IPS[opts.node ?? ""] ?? "172.18.0.2", startTime: t });
  }
  return deepFreeze({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: opts.namespace ?? "default", labels: opts.labels ?? { app: "web" } },
    spec,
    status,
  });
}

export interface ClassOpts {
  provisioner?: string;
  reclaimPolicy?: string;
  bindingMode?: "Immediate" | "WaitForFirstConsumer";
  isDefault?: boolean;
}

export function storageClass(name: string, opts: ClassOpts = {}): KObject {
  return deepFreeze({
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name, ...(opts.isDefault ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } : {}) },
    provisioner: opts.provisioner ?? "kubeflare.dev/simulated-disk",
    reclaimPolicy: opts.reclaimPolicy ?? "Delete",
    volumeBindingMode: opts.bindingMode ?? "Immediate",
  });
}

/** The seeded cluster's default class. */
export const STANDARD = storageClass("standard", { isDefault: true });

export interface ClaimOpts {
  namespace?: string;
  storage?: string;
  accessModes?: string[];
  /** A class name, "" for none, undefined to leave it unset (the default class applies). */
  className?: string;
  selector?: Record<string, string>;
  volumeName?: string;
}

export function claim(name: string, opts: ClaimOpts = {}): KObject {
  return deepFreeze({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace: opts.namespace ?? "default" },
    spec: {
      accessModes: opts.accessModes ?? ["ReadWriteOnce"],
      resources: { requests: { storage: opts.storage ?? "1Gi" } },
      ...(opts.className !== undefined ? { storageClassName: opts.className } : {}),
      ...(opts.selector ? { selector: { matchLabels: opts.selector } } : {}),
      ...(opts.volumeName ? { volumeName: opts.volumeName } : {}),
    },
  });
}

export interface VolumeOpts {
  storage?: string;
  accessModes?: string[];
  className?: string;
  reclaimPolicy?: string;
  labels?: Record<string, string>;
  claimRef?: { namespace: string; name: string };
  /** A local volume on this node (node affinity on kubernetes.io/hostname), as in the docs' local PV example. */
  node?: string;
}

/** A hand-made hostPath volume, as in the docs' "Configure a Pod to Use a PersistentVolume". */
export function volume(name: string, opts: VolumeOpts = {}): KObject {
  return deepFreeze({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name, ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: {
      capacity: { storage: opts.storage ?? "10Gi" },
      accessModes: opts.accessModes ?? ["ReadWriteOnce"],
      ...(opts.node
        ? {
            local: { path: "/mnt/disks/ssd1" },
            nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [opts.node] }] }] } },
          }
        : { hostPath: { path: "/mnt/data" } }),
      ...(opts.className !== undefined ? { storageClassName: opts.className } : {}),
      ...(opts.reclaimPolicy ? { persistentVolumeReclaimPolicy: opts.reclaimPolicy } : {}),
      ...(opts.claimRef ? { claimRef: { kind: "PersistentVolumeClaim", ...opts.claimRef } } : {}),
    },
  });
}
