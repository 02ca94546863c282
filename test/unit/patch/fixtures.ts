/** Frozen fixture builders for the patch tests: an accidental mutation of an input throws. */
import type { KObject } from "../../../src/api/types";

type Json = Record<string, unknown>;

export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A mutable copy of `obj` changed by `edit`: the expected result, written as a diff of the input. */
export function edited<T>(obj: T, edit: (copy: any) => void): T {
  const copy = structuredClone(obj);
  edit(copy);
  return copy;
}

/** Every directive key or null anywhere in `value`, as paths; a stored object must have none. */
export function leaks(value: unknown, path = ""): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaks(v, `${path}[${i}]`));
  if (typeof value !== "object") return [];
  return Object.entries(value as Json).flatMap(([k, v]) => (k.startsWith("$") ? [`${path}.${k}`] : leaks(v, `${path}.${k}`)));
}

const meta = (name: string, extra: Json = {}) => ({
  name,
  namespace: "default",
  uid: `uid-${name}`,
  resourceVersion: "7",
  generation: 1,
  creationTimestamp: "2026-01-01T00:00:00Z",
  ...extra,
});

export const container = (name: string, extra: Json = {}): Json => ({ name, image: "nginx:1.25", ...extra });

export function deployment(
  name: string,
  opts: { replicas?: number; containers?: Json[]; volumes?: Json[] } = {},
): KObject {
  const { replicas = 2, containers = [container("nginx", { ports: [{ containerPort: 80 }] })], volumes } = opts;
  return deepFreeze({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(name, { labels: { app: name } }),
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers, ...(volumes ? { volumes } : {}), restartPolicy: "Always" },
      },
    },
    status: { replicas, conditions: [{ type: "Available", status: "True" }, { type: "Progressing", status: "True" }] },
  });
}

export function daemonSet(name: string, image: string): KObject {
  return deepFreeze({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: meta(name, { labels: { app: name } }),
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-02T00:00:00Z" } },
        spec: { containers: [{ name: "a", image, args: ["--verbose"] }], nodeSelector: { disk: "ssd" } },
      },
    },
  });
}

export function node(name: string, spec: Json = {}): KObject {
  return deepFreeze({
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, uid: `uid-${name}`, resourceVersion: "3", labels: { "kubernetes.io/hostname": name } },
    spec: { podCIDRs: ["10.244.1.0/24"], ...spec },
    status: {
      addresses: [{ type: "InternalIP", address: "10.0.0.2" }, { type: "Hostname", address: name }],
      conditions: [{ type: "Ready", status: "True" }, { type: "MemoryPressure", status: "False" }],
    },
  });
}

export function pod(name: string, extra: { finalizers?: string[]; ownerReferences?: Json[] } = {}): KObject {
  return deepFreeze({
    apiVersion: "v1",
    kind: "Pod",
    metadata: meta(name, { labels: { app: "web" }, ...extra }),
    spec: { containers: [container("nginx", { env: [{ name: "A", value: "1" }, { name: "C", value: "3" }] })] },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "False" }, { type: "PodScheduled", status: "True" }] },
  });
}

export function service(name: string): KObject {
  return deepFreeze({
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(name),
    spec: { selector: { app: name }, ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }] },
  });
}

export function cronJob(name: string): KObject {
  return deepFreeze({
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: meta(name),
    spec: {
      schedule: "*/5 * * * *",
      jobTemplate: { spec: { template: { spec: { containers: [{ name: "job", image: "busybox", command: ["date"] }], restartPolicy: "OnFailure" } } } },
    },
  });
}

/** A custom resource: no patch metadata beyond ObjectMeta. */
export function widget(name: string): KObject {
  return deepFreeze({
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: meta(name, { finalizers: ["example.com/cleanup"] }),
    spec: { items: [{ name: "a", size: 1 }, { name: "b", size: 2 }], source: { git: { url: "https://x" } } },
  });
}
