/**
 * Fixtures for the HPA tests: the docs' php-apache Deployment and Service, a load generator pod,
 * HPAs in autoscaling/v2 form, and pods with metrics for the pure calculator tests.
 */
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerBehavior, MetricSpec } from "kubernetes-types/autoscaling/v2";
import type { Pod } from "kubernetes-types/core/v1";
import type { KObject } from "../../../src/api/types";
import type { PodMetricsInfo } from "../../../src/controllers/hpa/replicas";

export const T0 = Date.parse("2026-11-25T00:00:00Z");
export const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The docs' php-apache: registry.k8s.io/hpa-example, cpu request 200m, limit 500m. */
export function phpApache(opts: { name?: string; replicas?: number; image?: string; requests?: Record<string, string>; limits?: Record<string, string>; annotations?: Record<string, string> } = {}): KObject {
  const name = opts.name ?? "php-apache";
  return deepFreeze({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "default" },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: { run: name } },
      template: {
        metadata: { labels: { run: name }, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
        spec: {
          containers: [{
            name,
            image: opts.image ?? "registry.k8s.io/hpa-example",
            ports: [{ containerPort: 80 }],
            resources: { limits: opts.limits ?? { cpu: "500m" }, requests: opts.requests ?? { cpu: "200m" } },
          }],
        },
      },
    },
  });
}

export function service(name = "php-apache", selector: Record<string, string> = { run: name }, annotations?: Record<string, string>): KObject {
  return deepFreeze({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "default", labels: { run: name }, ...(annotations ? { annotations } : {}) },
    spec: { ports: [{ port: 80 }], selector },
  });
}

/** `kubectl run load-generator --image=busybox:1.28 --restart=Never -- /bin/sh -c "while sleep 0.01; do wget -q -O- http://php-apache; done"` */
export function loadGenerator(name = "load-generator", url = "http://php-apache", namespace = "default"): KObject {
  return deepFreeze({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: { run: name } },
    spec: {
      restartPolicy: "Never",
      containers: [{ name, image: "busybox:1.28", args: ["/bin/sh", "-c", `while sleep 0.01; do wget -q -O- ${url}; done`] }],
    },
  });
}

export function hpa(name: string, opts: {
  target?: { apiVersion?: string; kind?: string; name?: string };
  min?: number; max?: number; cpu?: number; metrics?: MetricSpec[]; behavior?: HorizontalPodAutoscalerBehavior; annotations?: Record<string, string>;
} = {}): KObject {
  const body: HorizontalPodAutoscaler = {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name, namespace: "default", ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      scaleTargetRef: { apiVersion: opts.target?.apiVersion ?? "apps/v1", kind: opts.target?.kind ?? "Deployment", name: opts.target?.name ?? name },
      minReplicas: opts.min ?? 1,
      maxReplicas: opts.max ?? 10,
      metrics: opts.metrics ?? [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: opts.cpu ?? 50 } } }],
      ...(opts.behavior ? { behavior: opts.behavior } : {}),
    },
  };
  return deepFreeze(body as unknown as KObject);
}

// ---- pure calculator fixtures ----------------------------------------------------------------

export interface PodSpec {
  name?: string;
  /** cpu request, e.g. "200m"; omit for none. */
  request?: string;
  phase?: string;
  ready?: boolean;
  /** When the pod started and became (un)ready, ms. */
  startTime?: number;
  readySince?: number;
  deleting?: boolean;
}

export function calcPod(i: number, p: PodSpec = {}): Pod {
  const name = p.name ?? `pod-${i}`;
  return deepFreeze({
    metadata: { name, namespace: "default", ...(p.deleting ? { deletionTimestamp: rfc3339(T0) } : {}) },
    spec: { containers: [{ name: "app", resources: p.request === undefined ? {} : { requests: { cpu: p.request, memory: p.request } } }] },
    status: {
      phase: p.phase ?? "Running",
      startTime: rfc3339(p.startTime ?? T0 - 3600_000),
      conditions: [{ type: "Ready", status: p.ready === false ? "False" : "True", lastTransitionTime: rfc3339(p.readySince ?? T0 - 3600_000) }],
    },
  } as Pod);
}

/** Metrics by pod name from milli-values (undefined: no metric for that pod). */
export function metricsOf(pods: Pod[], values: (number | undefined)[], at = T0): PodMetricsInfo {
  const m: PodMetricsInfo = new Map();
  pods.forEach((p, i) => {
    if (values[i] !== undefined) m.set(p.metadata!.name!, { value: values[i]!, timestamp: at, window: 15_000 });
  });
  return m;
}
