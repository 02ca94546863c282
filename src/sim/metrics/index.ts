/**
 * The simulated data plane's resource usage: a pure model (usage.ts, load.ts, profiles.ts) and the
 * metrics.k8s.io / custom.metrics.k8s.io / external.metrics.k8s.io objects built from it (api.ts).
 */
export { CLIENT_CPU_PER_RPS, imageProfile, type ImageProfile } from "./profiles";
export { LOAD_ANNOTATION, LoadModel, loadGenerators, podReady, podRunning, type LoadGenerator } from "./load";
export { NODE_SYSTEM_USAGE, UsageModel, nodeUsage, podUsage, type ContainerUsage, type PodUsage, type ResourceUsage } from "./usage";
export { METRIC_ANNOTATION_PREFIX, REQUEST_RATE_METRICS, customMetric, objectMetric } from "./custom";
export {
  CUSTOM_METRICS_GROUP_VERSION, EXTERNAL_METRICS_GROUP_VERSION, METRICS_GROUP_VERSION, NODE_WINDOW, POD_WINDOW,
  cpuQuantity, customMetricValues, externalMetricValueList, getNodeMetrics, getPodMetrics, listNodeMetrics, listPodMetrics,
  memoryQuantity, metricValue, metricValueList, milliQuantity, nodeMetricsList, nodeMetricsObject, podMetricsList, podMetricsObject,
  storageFor, storageForKind, type ExternalMetricValue, type MetricValue, type NodeMetrics, type PodMetrics,
} from "./api";
