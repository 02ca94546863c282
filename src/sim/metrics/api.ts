/**
 * The objects the aggregated metrics APIs serve, in the shapes kubectl top and the HPA parse
 * (kubectl-compat.md §11):
 *   metrics.k8s.io/v1beta1        PodMetrics(List), NodeMetrics(List): timestamp, window, usage
 *                                 as quantities ("250m", "12Mi")
 *   custom.metrics.k8s.io/v1beta1 MetricValueList: describedObject, metricName, timestamp, value
 *   external.metrics.k8s.io/v1beta1 ExternalMetricValueList: metricName, metricLabels, timestamp, value
 * The `list…`/`get…`/`…Values` functions answer one request each from a snapshot: the API server
 * renders `undefined` as NotFound and a thrown ApiError (a bad label selector) as usual.
 */
import type { KObject } from "../../api/types";
import { parseLabelSelector, matchesLabels } from "../../api/selectors";
import { findKind, RESOURCE_TYPES, storageResource } from "../../api/resources";
import { formatQuantity } from "../../api/validation/quantity";
import type { Snapshot } from "../../controllers/types";
import { DEFAULT_SETTINGS, type SimulationSettings } from "../settings";
import { customMetric, knownPodMetric, objectMetric } from "./custom";
import { type PodUsage, type ResourceUsage, UsageModel } from "./usage";
import { rfc3339 } from "../../api/time";

export const METRICS_GROUP_VERSION = "metrics.k8s.io/v1beta1";
export const CUSTOM_METRICS_GROUP_VERSION = "custom.metrics.k8s.io/v1beta1";
export const EXTERNAL_METRICS_GROUP_VERSION = "external.metrics.k8s.io/v1beta1";
/** metrics-server's resolution for pods and the window kubelet's summary API reports for nodes. */
export const POD_WINDOW = "15s";
export const NODE_WINDOW = "20.05s";

const Ki = 1024;
const Mi = 1024 * 1024;


/** CPU millicores as a quantity: 250 → "250m", 0 → "0". */
export function cpuQuantity(millicores: number): string {
  const m = Math.max(0, Math.round(millicores));
  return m === 0 ? "0" : `${m}m`;
}

/** Memory bytes as kubectl top shows them: whole mebibytes as "12Mi", otherwise kibibytes rounded up. */
export function memoryQuantity(bytes: number): string {
  const b = Math.max(0, Math.round(bytes));
  if (b === 0) return "0";
  if (b % Mi === 0) return `${b / Mi}Mi`;
  return `${Math.ceil(b / Ki)}Ki`;
}

/** A milli-value as a canonical DecimalSI quantity (resource.NewMilliQuantity): 500 → "500m", 2000 → "2", 1500000 → "1500". */
export function milliQuantity(milli: number): string {
  return formatQuantity({ mantissa: BigInt(Math.round(milli)), exponent: -3, format: "DecimalSI" });
}

// ---- metrics.k8s.io ---------------------------------------------------------------------------

export interface PodMetrics {
  kind?: "PodMetrics";
  apiVersion?: string;
  metadata: { name: string; namespace: string; creationTimestamp: string; labels?: Record<string, string> };
  timestamp: string;
  window: string;
  containers: { name: string; usage: { cpu: string; memory: string } }[];
}

export interface NodeMetrics {
  kind?: "NodeMetrics";
  apiVersion?: string;
  metadata: { name: string; creationTimestamp: string; labels?: Record<string, string> };
  timestamp: string;
  window: string;
  usage: { cpu: string; memory: string };
}

const labelsOf = (obj: KObject) => (obj.metadata.labels && Object.keys(obj.metadata.labels).length ? { labels: { ...obj.metadata.labels } } : {});

/** One pod's PodMetrics (list items carry no kind/apiVersion; `single` adds them for a GET). */
export function podMetricsObject(pod: KObject, usage: PodUsage, now: number, single = false): PodMetrics {
  return {
    ...(single ? { kind: "PodMetrics" as const, apiVersion: METRICS_GROUP_VERSION } : {}),
    metadata: { name: pod.metadata.name!, namespace: pod.metadata.namespace ?? "default", creationTimestamp: rfc3339(now), ...labelsOf(pod) },
    timestamp: rfc3339(now),
    window: POD_WINDOW,
    containers: usage.containers.map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.cpu), memory: memoryQuantity(c.memory) } })),
  };
}

/** One node's NodeMetrics. */
export function nodeMetricsObject(node: KObject, usage: ResourceUsage, now: number, single = false): NodeMetrics {
  return {
    ...(single ? { kind: "NodeMetrics" as const, apiVersion: METRICS_GROUP_VERSION } : {}),
    metadata: { name: node.metadata.name!, creationTimestamp: rfc3339(now), ...labelsOf(node) },
    timestamp: rfc3339(now),
    window: NODE_WINDOW,
    usage: { cpu: cpuQuantity(usage.cpu), memory: memoryQuantity(usage.memory) },
  };
}

export function podMetricsList(items: PodMetrics[]) {
  return { kind: "PodMetricsList", apiVersion: METRICS_GROUP_VERSION, metadata: {}, items };
}

export function nodeMetricsList(items: NodeMetrics[]) {
  return { kind: "NodeMetricsList", apiVersion: METRICS_GROUP_VERSION, metadata: {}, items };
}

const selectorMatcher = (labelSelector: string | undefined) => {
  if (!labelSelector) return () => true;
  const selector = parseLabelSelector(labelSelector);
  return (obj: KObject) => matchesLabels(selector, obj.metadata.labels);
};

/** GET /apis/metrics.k8s.io/v1beta1[/namespaces/{ns}]/pods[?labelSelector=]: pods with usage (Running, a container running). */
export function listPodMetrics(snapshot: Snapshot, now: number, opts: { namespace?: string; labelSelector?: string; settings?: SimulationSettings } = {}) {
  const model = new UsageModel(snapshot, now, opts.settings ?? DEFAULT_SETTINGS);
  const matches = selectorMatcher(opts.labelSelector);
  const items: PodMetrics[] = [];
  for (const pod of snapshot.list("pods", opts.namespace || undefined)) {
    if (!matches(pod)) continue;
    const usage = model.pod(pod);
    if (usage) items.push(podMetricsObject(pod, usage, now));
  }
  return podMetricsList(items);
}

/** GET …/namespaces/{ns}/pods/{name}: undefined (NotFound) when the pod has no metrics. */
export function getPodMetrics(snapshot: Snapshot, now: number, namespace: string, name: string, settings: SimulationSettings = DEFAULT_SETTINGS): PodMetrics | undefined {
  const pod = snapshot.get("pods", namespace, name);
  const usage = pod && new UsageModel(snapshot, now, settings).pod(pod);
  return pod && usage ? podMetricsObject(pod, usage, now, true) : undefined;
}

/** GET /apis/metrics.k8s.io/v1beta1/nodes[?labelSelector=]. */
export function listNodeMetrics(snapshot: Snapshot, now: number, opts: { labelSelector?: string; settings?: SimulationSettings } = {}) {
  const model = new UsageModel(snapshot, now, opts.settings ?? DEFAULT_SETTINGS);
  const matches = selectorMatcher(opts.labelSelector);
  return nodeMetricsList(snapshot.list("nodes").filter(matches).map((node) => nodeMetricsObject(node, model.node(node), now)));
}

/** GET …/nodes/{name}. */
export function getNodeMetrics(snapshot: Snapshot, now: number, name: string, settings: SimulationSettings = DEFAULT_SETTINGS): NodeMetrics | undefined {
  const node = snapshot.get("nodes", "", name);
  return node ? nodeMetricsObject(node, new UsageModel(snapshot, now, settings).node(node), now, true) : undefined;
}

// ---- custom.metrics.k8s.io --------------------------------------------------------------------

export interface MetricValue {
  describedObject: { kind: string; namespace?: string; name: string; apiVersion: string };
  metricName: string;
  timestamp: string;
  value: string;
  selector: null | { matchLabels?: Record<string, string> };
}

/** One MetricValue; `milli` is the value in milli-units. describedObject.apiVersion is "/v1" for core kinds, as adapters send. */
export function metricValue(obj: KObject, metricName: string, milli: number, now: number): MetricValue {
  const apiVersion = obj.apiVersion ?? "v1";
  return {
    describedObject: { kind: obj.kind ?? "", ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}), name: obj.metadata.name!, apiVersion: apiVersion.includes("/") ? apiVersion : `/${apiVersion}` },
    metricName,
    timestamp: rfc3339(now),
    value: milliQuantity(milli),
    selector: null,
  };
}

export function metricValueList(items: MetricValue[]) {
  return { kind: "MetricValueList", apiVersion: CUSTOM_METRICS_GROUP_VERSION, metadata: {}, items };
}

/** The storage resource for a custom-metrics path segment ("pods", "services", "ingresses.networking.k8s.io", "deployments.apps"). */
export function storageFor(resource: string): string | undefined {
  const [plural, ...rest] = resource.split(".");
  const group = rest.join(".");
  const type = RESOURCE_TYPES.find((t) => t.plural === plural && (!group || t.group === group));
  if (type) return storageResource(type);
  if (plural === "ingresses") return "ingresses.networking.k8s.io";
  return undefined;
}

/** The storage resource of a kind an HPA's Object metric names (apiVersion may be left out). */
export function storageForKind(kind: string, apiVersion?: string): string | undefined {
  const type = (apiVersion ? findKind(apiVersion, kind) : undefined) ?? RESOURCE_TYPES.find((t) => t.kind === kind);
  if (type) return storageResource(type);
  if (kind === "Ingress") return "ingresses.networking.k8s.io";
  return undefined;
}

/**
 * GET /apis/custom.metrics.k8s.io/v1beta1[/namespaces/{ns}]/{resource}/{name|*}/{metric}[?labelSelector=]:
 * undefined (NotFound: "the server could not find the metric … for …") when nothing has that metric.
 */
export function customMetricValues(
  snapshot: Snapshot, now: number,
  query: { namespace?: string; resource: string; name: string; metric: string; labelSelector?: string; settings?: SimulationSettings },
) {
  const storage = storageFor(query.resource);
  if (!storage) return undefined;
  const model = new UsageModel(snapshot, now, query.settings ?? DEFAULT_SETTINGS);
  const matches = selectorMatcher(query.labelSelector);
  const objects = (query.name === "*" ? snapshot.list(storage, query.namespace || undefined).filter(matches) : [snapshot.get(storage, query.namespace ?? "", query.name)]).filter((o): o is KObject => !!o);
  if (storage === "pods" && !knownPodMetric(query.metric, objects)) return undefined;
  const items: MetricValue[] = [];
  for (const obj of objects) {
    const milli = storage === "pods" ? customMetric(obj, query.metric, model.load) : objectMetric(obj, query.metric, snapshot, model.load);
    if (milli !== undefined) items.push(metricValue(withKind(obj, storage), query.metric, milli, now));
  }
  if (items.length === 0 && query.name !== "*") return undefined;
  return metricValueList(items);
}

/** Stored objects carry kind and apiVersion; fill them from the resource if a caller's did not. */
function withKind(obj: KObject, storage: string): KObject {
  if (obj.kind && obj.apiVersion) return obj;
  const type = RESOURCE_TYPES.find((t) => storageResource(t) === storage);
  return { ...obj, kind: obj.kind ?? type?.kind, apiVersion: obj.apiVersion ?? (type ? (type.group ? `${type.group}/${type.versions[0]}` : type.versions[0]) : "v1") };
}

// ---- external.metrics.k8s.io -----------------------------------------------------------------

export interface ExternalMetricValue {
  metricName: string;
  metricLabels: Record<string, string>;
  timestamp: string;
  value: string;
}

/** An ExternalMetricValueList from (labels, milli-value) samples. */
export function externalMetricValueList(metricName: string, samples: { labels?: Record<string, string>; value: number }[], now: number) {
  return {
    kind: "ExternalMetricValueList",
    apiVersion: EXTERNAL_METRICS_GROUP_VERSION,
    metadata: {},
    items: samples.map((s): ExternalMetricValue => ({ metricName, metricLabels: { ...(s.labels ?? {}) }, timestamp: rfc3339(now), value: milliQuantity(s.value) })),
  };
}
