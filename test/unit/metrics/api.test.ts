/**
 * The metrics APIs' objects in the shapes kubectl top and the HPA parse (kubectl-compat.md §11), and
 * the custom and external metrics derived from the load model.
 */
import { describe, expect, it } from "vitest";
import {
  cpuQuantity, customMetric, customMetricValues, externalMetricValueList, getNodeMetrics, getPodMetrics, listNodeMetrics, listPodMetrics, memoryQuantity, milliQuantity, objectMetric,
} from "../../../src/sim/metrics";
import { Mi, T0, generator, node, phpPod, pod, service, snapshotOf } from "./fixtures";

describe("quantities", () => {
  it.each([[250, "250m"], [0, "0"], [1500, "1500m"]])("cpu %im → %s", (m, q) => expect(cpuQuantity(m)).toBe(q));
  it.each([[12 * Mi, "12Mi"], [0, "0"], [12 * Mi + 1, "12289Ki"], [1523 * Mi, "1523Mi"]])("memory %i bytes → %s", (b, q) => expect(memoryQuantity(b)).toBe(q));
  it.each([[500, "500m"], [2000, "2"], [1_500_000, "1500"], [12_582_912_000, "12582912"], [100_000, "100"]])("milli-value %i → %s", (m, q) => expect(milliQuantity(m)).toBe(q));
});

describe("metrics.k8s.io", () => {
  const objects = [node(1), node(2), service("php-apache", { run: "php-apache" }), phpPod("php-apache-abc"), generator("load-generator"), pod("pending", [{ name: "c", image: "nginx" }], { phase: "Pending" })];
  const snap = snapshotOf(objects);

  it("lists PodMetrics for pods with usage, in kubectl top's shape", () => {
    expect(listPodMetrics(snap, T0 + 1500, { namespace: "default" })).toEqual({
      kind: "PodMetricsList",
      apiVersion: "metrics.k8s.io/v1beta1",
      metadata: {},
      items: [
        { metadata: { name: "load-generator", namespace: "default", creationTimestamp: "2026-11-25T00:00:01Z" }, timestamp: "2026-11-25T00:00:01Z", window: "15s", containers: [{ name: "load-generator", usage: { cpu: "3m", memory: "1Mi" } }] },
        { metadata: { name: "php-apache-abc", namespace: "default", creationTimestamp: "2026-11-25T00:00:01Z", labels: { run: "php-apache" } }, timestamp: "2026-11-25T00:00:01Z", window: "15s", containers: [{ name: "php-apache", usage: { cpu: "500m", memory: "9Mi" } }] },
      ],
    });
  });

  it("filters by label selector, and a GET of one pod carries kind and apiVersion", () => {
    expect(listPodMetrics(snap, T0, { labelSelector: "run=php-apache" }).items.map((i) => i.metadata.name)).toEqual(["php-apache-abc"]);
    expect(getPodMetrics(snap, T0, "default", "php-apache-abc")).toMatchObject({ kind: "PodMetrics", apiVersion: "metrics.k8s.io/v1beta1", window: "15s" });
    expect(getPodMetrics(snap, T0, "default", "pending")).toBeUndefined();
    expect(getPodMetrics(snap, T0, "default", "nope")).toBeUndefined();
  });

  it("lists NodeMetrics with the summary API's window", () => {
    const list = listNodeMetrics(snap, T0);
    expect(list.kind).toBe("NodeMetricsList");
    expect(list.items.map((n) => [n.metadata.name, n.window, n.usage.cpu])).toEqual([["node-1", "20.05s", "543m"], ["node-2", "20.05s", "40m"]]);
    expect(getNodeMetrics(snap, T0, "node-1")).toMatchObject({ kind: "NodeMetrics", usage: { memory: "330Mi" } });
    expect(getNodeMetrics(snap, T0, "node-9")).toBeUndefined();
  });
});

describe("custom.metrics.k8s.io", () => {
  const svc = service("php-apache", { run: "php-apache" });
  const objects = [svc, phpPod("a"), phpPod("b"), generator("g"), pod("custom", [{ name: "c", image: "nginx" }], { labels: { app: "x" }, annotations: { "kubeflare.dev/metric.packets-per-second": "1k" } })];
  const snap = snapshotOf(objects);

  it("requests_per_second is each pod's share of its Services' load (milli-units)", () => {
    expect(customMetric(objects[1], "requests_per_second", snap)).toBe(50_000);
    expect(customMetric(objects[1], "http_requests", snap)).toBe(50_000);
    expect(customMetric(objects[3], "requests_per_second", snap)).toBe(0);
    expect(customMetric(objects[1], "queue_depth", snap)).toBeUndefined();
  });

  it("an annotation sets any metric by hand", () => {
    expect(customMetric(objects[4], "packets-per-second", snap)).toBe(1_000_000);
  });

  it("serves a MetricValueList for pods", () => {
    expect(customMetricValues(snap, T0, { namespace: "default", resource: "pods", name: "*", metric: "requests_per_second", labelSelector: "run=php-apache" })).toEqual({
      kind: "MetricValueList",
      apiVersion: "custom.metrics.k8s.io/v1beta1",
      metadata: {},
      items: ["a", "b"].map((name) => ({ describedObject: { kind: "Pod", namespace: "default", name, apiVersion: "/v1" }, metricName: "requests_per_second", timestamp: "2026-11-25T00:00:00Z", value: "50", selector: null })),
    });
  });

  it("serves a Service's whole load as an object metric, and NotFound for unknown metrics", () => {
    expect(customMetricValues(snap, T0, { namespace: "default", resource: "services", name: "php-apache", metric: "requests-per-second" })?.items[0]).toMatchObject({ describedObject: { kind: "Service", name: "php-apache" }, value: "100" });
    expect(customMetricValues(snap, T0, { namespace: "default", resource: "pods", name: "*", metric: "queue_depth" })).toBeUndefined();
    expect(customMetricValues(snap, T0, { namespace: "default", resource: "widgets", name: "*", metric: "requests_per_second" })).toBeUndefined();
  });

  it("an Ingress's requests are the load of the Services it routes to", () => {
    const ingress = { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "main-route", namespace: "default" }, spec: { rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "php-apache", port: { number: 80 } } } }] } }] } };
    expect(objectMetric(ingress, "requests-per-second", snapshotOf([...objects, ingress]))).toBe(100_000);
  });
});

describe("external.metrics.k8s.io", () => {
  it("builds an ExternalMetricValueList", () => {
    expect(externalMetricValueList("queue_messages_ready", [{ labels: { queue: "worker_tasks" }, value: 30_000 }], T0)).toEqual({
      kind: "ExternalMetricValueList",
      apiVersion: "external.metrics.k8s.io/v1beta1",
      metadata: {},
      items: [{ metricName: "queue_messages_ready", metricLabels: { queue: "worker_tasks" }, timestamp: "2026-11-25T00:00:00Z", value: "30" }],
    });
  });
});
