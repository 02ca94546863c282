import { describe, expect, it } from "vitest";
import { applyDefaults } from "../../../src/api/defaults";
import {
  configMap, cronJob, daemonSet, deployment, hpa, job, pod, replicaSet, replicationController, secret, service, statefulSet, stored, typeOf,
} from "../validation/fixtures";

// Defaulting runs on every update too: a stored object must come back unchanged.
describe("applyDefaults is idempotent on stored objects", () => {
  it.each([
    ["Pod", typeOf("Pod"), pod("web")],
    ["Deployment", typeOf("Deployment", "apps"), deployment("web", { maxSurge: 1 })],
    ["ReplicaSet", typeOf("ReplicaSet", "apps"), replicaSet("web")],
    ["ReplicationController", typeOf("ReplicationController"), replicationController("web")],
    ["DaemonSet", typeOf("DaemonSet", "apps"), daemonSet("log")],
    ["StatefulSet", typeOf("StatefulSet", "apps"), statefulSet("db")],
    ["Job", typeOf("Job", "batch"), job("pi")],
    ["CronJob", typeOf("CronJob", "batch"), cronJob("hello")],
    ["Service", typeOf("Service"), service("web", { type: "LoadBalancer" })],
    ["HorizontalPodAutoscaler", typeOf("HorizontalPodAutoscaler", "autoscaling"), hpa("web", { behavior: { scaleUp: { selectPolicy: "Min" } } })],
    ["ConfigMap", typeOf("ConfigMap"), configMap("cfg")],
    ["Secret", typeOf("Secret"), secret("s", { stringData: { a: "b" } })],
  ])("%s", (_, type, obj) => {
    const once = stored(type, obj);
    const twice = structuredClone(once);
    applyDefaults(type, twice);
    expect(twice).toEqual(once);
  });
});
