/**
 * External metrics a user sets for the sandbox (`PUT /v1/clusters/{id}/external-metrics/{name}`),
 * kept in one ConfigMap in kube-system so `kubectl edit` works too: data key = metric name, value =
 * a quantity ("30", "1500m"). Served at external.metrics.k8s.io and read by the HPA.
 */
import type { Snapshot } from "../controllers/types";
import { milliValue } from "./quantity";

export const EXTERNAL_METRICS_CONFIGMAP = { namespace: "kube-system", name: "kubeflare-external-metrics" };

/** Samples of one metric in milli-units, or undefined when it was never set. */
export function externalMetricSamples(snapshot: Snapshot, name: string): { value: number }[] | undefined {
  const cm = snapshot.get("configmaps", EXTERNAL_METRICS_CONFIGMAP.namespace, EXTERNAL_METRICS_CONFIGMAP.name);
  const raw = (cm?.data as Record<string, string> | undefined)?.[name];
  if (raw === undefined) return undefined;
  return [{ value: milliValue(raw) }];
}
