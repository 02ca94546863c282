/**
 * The aggregated metrics APIs a real cluster gets from metrics-server and an adapter, answered from
 * the simulated usage model: metrics.k8s.io/v1beta1 (kubectl top, the HPA) and
 * custom.metrics.k8s.io/v1beta1 (requests per second and friends, derived from the load model).
 */
import { storeSnapshot } from "../controllers/snapshot";
import { externalMetricSamples } from "../sim/externalMetrics";
import { customMetricValues, externalMetricValueList, getNodeMetrics, getPodMetrics, listNodeMetrics, listPodMetrics } from "../sim/metrics";
import { ApiError, notFound } from "./errors";
import type { ApiContext } from "./rest";

export const METRICS_GROUPS = [
  { name: "metrics.k8s.io", versions: ["v1beta1"] },
  { name: "custom.metrics.k8s.io", versions: ["v1beta1"] },
  { name: "external.metrics.k8s.io", versions: ["v1beta1"] },
];

const READ = ["get", "list"];

export function metricsResourceList(group: string) {
  if (group === "metrics.k8s.io") {
    return {
      kind: "APIResourceList", apiVersion: "v1", groupVersion: "metrics.k8s.io/v1beta1",
      resources: [
        { name: "nodes", singularName: "", namespaced: false, kind: "NodeMetrics", verbs: READ },
        { name: "pods", singularName: "", namespaced: true, kind: "PodMetrics", verbs: READ },
      ],
    };
  }
  if (group === "custom.metrics.k8s.io") {
    return {
      kind: "APIResourceList", apiVersion: "v1", groupVersion: "custom.metrics.k8s.io/v1beta1",
      resources: ["pods", "services", "deployments.apps"].map((r) => ({ name: `${r}/requests_per_second`, singularName: "", namespaced: true, kind: "MetricValueList", verbs: ["get"] })),
    };
  }
  if (group === "external.metrics.k8s.io") {
    return { kind: "APIResourceList", apiVersion: "v1", groupVersion: "external.metrics.k8s.io/v1beta1", resources: [] };
  }
  return undefined;
}

/** The aggregated-discovery entries for the metrics groups. */
export function metricsDiscovery() {
  return METRICS_GROUPS.map((g) => {
    const list = metricsResourceList(g.name)!;
    return {
      name: g.name,
      versions: [{
        version: "v1beta1",
        resources: list.resources.map((r) => ({
          resource: r.name,
          responseKind: { group: g.name, version: "v1beta1", kind: r.kind },
          scope: r.namespaced ? "Namespaced" : "Cluster",
          singularResource: r.singularName,
          verbs: r.verbs,
        })),
      }],
    };
  });
}

/** Answers /apis/metrics.k8s.io/v1beta1/... and /apis/custom.metrics.k8s.io/v1beta1/...; undefined if not a metrics path. */
export function metricsResponse(ctx: ApiContext, rawPath: string, q: URLSearchParams): unknown {
  // Segments arrive escaped: client-go sends the "all pods" name `*` as %2A.
  const path = rawPath.split("/").map(decodeSegment).join("/");
  const snapshot = storeSnapshot(ctx.store);
  const now = ctx.now().getTime();
  const settings = ctx.simulation?.();
  const labelSelector = q.get("labelSelector") ?? undefined;
  let m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/nodes(?:\/([^/]+))?$/.exec(path);
  if (m) {
    if (!m[1]) return listNodeMetrics(snapshot, now, { labelSelector, settings });
    return getNodeMetrics(snapshot, now, m[1], settings) ?? fail(notFound("nodes", "metrics.k8s.io", m[1]));
  }
  m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/(?:namespaces\/([^/]+)\/)?pods(?:\/([^/]+))?$/.exec(path);
  if (m) {
    if (!m[2]) return listPodMetrics(snapshot, now, { namespace: m[1], labelSelector, settings });
    return getPodMetrics(snapshot, now, m[1] ?? "", m[2], settings) ?? fail(notFound("pods", "metrics.k8s.io", m[2]));
  }
  m = /^\/apis\/custom\.metrics\.k8s\.io\/v1beta1\/(?:namespaces\/([^/]+)\/)?([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
  if (m) {
    const [, namespace, resource, name, metric] = m;
    return customMetricValues(snapshot, now, { namespace, resource, name, metric, labelSelector, settings })
      ?? fail(new ApiError(404, "NotFound", `the server could not find the metric ${metric} for ${resource} ${name}`));
  }
  m = /^\/apis\/external\.metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/([^/]+)$/.exec(path);
  if (m) {
    const samples = externalMetricSamples(snapshot, m[2]);
    if (!samples) throw new ApiError(404, "NotFound", `the server could not find the external metric ${m[2]}`);
    return externalMetricValueList(m[2], samples, now);
  }
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function fail(error: ApiError): never {
  throw error;
}
