/**
 * custom.metrics.k8s.io values, derived from the load model as a Prometheus adapter would derive
 * them from request counters: a pod's `requests_per_second` (also `http_requests`,
 * `http_requests_per_second`, `requests-per-second`) is the rate it serves; a Service's is its whole
 * load; an Ingress's the load of the Services it routes to; a workload's the sum over its pods.
 * Any object can carry a metric by hand: `kubeflare.dev/metric.<name>: "<quantity>"` (e.g. the docs'
 * `packets-per-second`), which wins over the derived value.
 *
 * Values are milli-units, as the HPA reads them (Quantity.MilliValue): 100 rps → 100000.
 */
import type { Ingress } from "kubernetes-types/networking/v1";
import type { KObject } from "../../api/types";
import type { Snapshot } from "../../controllers/types";
import { milliValue } from "../quantity";
import { LoadModel } from "./load";

export const METRIC_ANNOTATION_PREFIX = "kubeflare.dev/metric.";

/** Metric names that mean "requests per second" (adapters expose the counter's rate under these). */
export const REQUEST_RATE_METRICS: ReadonlySet<string> = new Set([
  "requests_per_second", "requests-per-second", "http_requests", "http_requests_per_second", "http-requests-per-second",
]);

const loadOf = (source: Snapshot | LoadModel) => (source instanceof LoadModel ? source : new LoadModel(source));

/** A metric set by hand on the object, in milli-units. */
function annotated(obj: KObject, name: string): number | undefined {
  const text = obj.metadata.annotations?.[`${METRIC_ANNOTATION_PREFIX}${name}`];
  if (text === undefined) return undefined;
  const milli = milliValue(text.trim());
  return Number.isFinite(milli) ? milli : undefined;
}

/** A pod's custom metric in milli-units, or undefined when the pod has no such metric (or is not Running). */
export function customMetric(pod: KObject, name: string, source: Snapshot | LoadModel): number | undefined {
  if ((pod.status as { phase?: string } | undefined)?.phase !== "Running") return undefined;
  const set = annotated(pod, name);
  if (set !== undefined) return set;
  if (!REQUEST_RATE_METRICS.has(name)) return undefined;
  return Math.round(loadOf(source).podRequestRate(pod) * 1000);
}

/** Whether pods can have this metric at all (a name the adapter would not know is a 404). */
export function knownPodMetric(name: string, pods: KObject[]): boolean {
  return REQUEST_RATE_METRICS.has(name) || pods.some((p) => p.metadata.annotations?.[`${METRIC_ANNOTATION_PREFIX}${name}`] !== undefined);
}

/** The Services an Ingress routes to (default backend and every path's backend). */
function ingressServices(ingress: KObject): string[] {
  const spec = (ingress as unknown as Ingress).spec;
  const names = new Set<string>();
  if (spec?.defaultBackend?.service?.name) names.add(spec.defaultBackend.service.name);
  for (const rule of spec?.rules ?? []) for (const path of rule.http?.paths ?? []) if (path.backend.service?.name) names.add(path.backend.service.name);
  return [...names];
}

/** A metric describing one object (Object metrics), in milli-units, or undefined when it has none. */
export function objectMetric(obj: KObject, name: string, snapshot: Snapshot, source?: LoadModel): number | undefined {
  const set = annotated(obj, name);
  if (set !== undefined) return set;
  if (!REQUEST_RATE_METRICS.has(name)) return undefined;
  const load = source ?? new LoadModel(snapshot);
  const namespace = obj.metadata.namespace ?? "default";
  let rps: number;
  switch (obj.kind) {
    case "Service":
      rps = load.serviceLoad(namespace, obj.metadata.name!);
      break;
    case "Ingress":
      rps = ingressServices(obj).reduce((sum, svc) => sum + load.serviceLoad(namespace, svc), 0);
      break;
    case "Pod":
      rps = load.podRequestRate(obj);
      break;
    default: {
      // A workload: what its pods serve (a Deployment's through its ReplicaSets).
      const uid = obj.metadata.uid;
      const owned = uid ? [...snapshot.ownedBy("pods", uid), ...snapshot.ownedBy("replicasets.apps", uid).flatMap((rs) => snapshot.ownedBy("pods", rs.metadata.uid!))] : [];
      rps = owned.reduce((sum, pod) => sum + load.podRequestRate(pod), 0);
    }
  }
  return Math.round(rps * 1000);
}
