/**
 * Scenarios on the real control plane (scheduler, kubelet, endpoints, ReplicaSet and Deployment
 * controllers, fast profile): the docs' HorizontalPodAutoscaler walkthrough and the other metric
 * kinds, errors, limits, and what an HPA costs when nothing changes.
 */
import type { StatefulSet } from "kubernetes-types/apps/v1";
import type { HorizontalPodAutoscalerBehavior } from "kubernetes-types/autoscaling/v2";
import type { Pod } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { HPA_COMPONENT, resyncDelay } from "../../../src/controllers/hpa";
import { storeSnapshot } from "../../../src/controllers/snapshot";
import { type Controller, done, keyOf, splitKey, type Write } from "../../../src/controllers/types";
import { listPodMetrics } from "../../../src/sim/metrics";
import type { SimCluster } from "../runtime/cluster";
import { hpa, loadGenerator, phpApache, service } from "./fixtures";
import { SECOND, SETTINGS, T, condition, getHpa, hpaCluster, hpaEvents, replicasOf, run, runUntil, targets } from "./harness";

const CPU_REASON = "cpu resource utilization (percentage of request) above target";

/** The docs' setup: php-apache Deployment and Service, settled, then `kubectl autoscale … --cpu-percent=50 --min=1 --max=10`. */
function walkthrough(behavior?: HorizontalPodAutoscalerBehavior): SimCluster {
  const c = hpaCluster();
  c.apply(phpApache());
  c.apply(service());
  run(c, 30);
  c.apply(hpa("php-apache", { cpu: 50, min: 1, max: 10, behavior }));
  return c;
}

/** Targets and replicas at every sync for `syncs` syncs. */
function watch(c: SimCluster, syncs: number): { targets: string; replicas: number }[] {
  const seen: { targets: string; replicas: number }[] = [];
  for (let i = 0; i < syncs; i++) {
    run(c, 15);
    seen.push({ targets: targets(c, "php-apache"), replicas: getHpa(c, "php-apache").status?.currentReplicas ?? 0 });
  }
  return seen;
}

describe("the HPA walkthrough (php-apache + load generator)", () => {
  it("scales up under load as the docs show, then back to 1 after the 5-minute stabilization", () => {
    const c = walkthrough();
    // Before its first sync, kubectl get hpa shows <unknown>.
    expect(targets(c, "php-apache")).toBe("cpu: <unknown>/50%");
    run(c, 20);
    expect(targets(c, "php-apache")).toBe("cpu: 0%/50%");
    expect(replicasOf(c, "php-apache")).toBe(1);
    expect(condition(c, "php-apache", "ScalingActive")).toMatchObject({ status: "True", reason: "ValidMetricFound", message: `the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)` });
    // 0% proposes 0 replicas, but for 5 minutes the HPA remembers the size it found as a recommendation.
    expect(condition(c, "php-apache", "AbleToScale")).toMatchObject({ status: "True", reason: "ScaleDownStabilized" });
    expect(condition(c, "php-apache", "ScalingLimited")).toMatchObject({ status: "False", reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" });

    c.apply(loadGenerator());
    const up = watch(c, 8);
    // 250% on one pod (throttled at its 500m limit) → 4 (the legacy scale-up limit) → 7 at 77% → 44%, steady.
    expect(up.map((s) => s.targets)).toContain("cpu: 250%/50%");
    expect(up.at(-1)).toEqual({ targets: "cpu: 44%/50%", replicas: 7 });
    const sizes = [...new Set(up.map((s) => s.replicas))];
    expect(sizes).toEqual([1, 4, 7]);
    const rescales = hpaEvents(c, "php-apache").filter((e) => e.reason === "SuccessfulRescale").map((e) => e.message);
    expect(rescales).toEqual(expect.arrayContaining([`New size: 4; reason: ${CPU_REASON}`, `New size: 7; reason: ${CPU_REASON}`]));
    // New pods' first samples are skipped (CPU initialization), never reported as failures here.
    expect(hpaEvents(c, "php-apache").filter((e) => e.type === "Warning")).toEqual([]);

    // kubectl top pods: the load is spread over the seven replicas.
    const top = listPodMetrics(storeSnapshot(c.store), c.now, { namespace: "default", labelSelector: "run=php-apache", settings: SETTINGS });
    expect(top.items.map((i) => i.containers[0].usage.cpu)).toEqual(Array(7).fill("88m"));
    const status = getHpa(c, "php-apache").status!;
    expect(status.currentMetrics).toEqual([{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 44, averageValue: "88m" } } }]);
    expect(status.desiredReplicas).toBe(7);
    expect(status.lastScaleTime).toBeDefined();

    // Stop the load (Ctrl-C deletes the --rm pod): 0%, but the last 5 minutes' recommendation of 7 holds.
    c.delete("Pod", "load-generator");
    run(c, 240);
    expect(targets(c, "php-apache")).toBe("cpu: 0%/50%");
    expect(replicasOf(c, "php-apache")).toBe(7);
    expect(condition(c, "php-apache", "AbleToScale")).toMatchObject({ reason: "ScaleDownStabilized", message: "recent recommendations were higher than current one, applying the highest recent recommendation" });
    // The generator's shell ignores SIGTERM and sends for its 30 s grace period; 300 s after its last 7, the HPA scales down.
    const after = 240 + runUntil(c, 150, (cl) => replicasOf(cl, "php-apache") === 1);
    expect(replicasOf(c, "php-apache")).toBe(1);
    expect(after).toBeGreaterThanOrEqual(300);
    expect(after).toBeLessThanOrEqual(350);
    expect(hpaEvents(c, "php-apache").map((e) => e.message)).toContain("New size: 1; reason: All metrics below target");
    runUntil(c, 30, (cl) => cl.list("pods", "default").filter((p) => p.metadata.labels?.run === "php-apache").length === 1);
    expect(c.list("pods", "default").filter((p) => p.metadata.labels?.run === "php-apache")).toHaveLength(1);
  });

  it("with behavior.scaleDown.stabilizationWindowSeconds 0, returns to 1 at the next sync after the load stops", () => {
    const c = walkthrough({ scaleDown: { stabilizationWindowSeconds: 0 } });
    run(c, 20);
    c.apply(loadGenerator());
    // With a behavior, scale up follows the default policies: the faster of +4 pods and +100% per 15 s.
    const up = watch(c, 8);
    expect(up.at(-1)?.replicas).toBeGreaterThanOrEqual(5);
    expect(up.at(-1)?.replicas).toBeLessThanOrEqual(7);
    c.delete("Pod", "load-generator");
    const seconds = runUntil(c, 120, (cl) => replicasOf(cl, "php-apache") === 1);
    expect(replicasOf(c, "php-apache")).toBe(1);
    expect(seconds).toBeLessThanOrEqual(45);
    // Scale events are kept in the annotation for the rate policies.
    const history = JSON.parse(getHpa(c, "php-apache").metadata!.annotations!["kubeflare.dev/scale-events"]);
    expect(history.scaleUp.length).toBeGreaterThan(0);
    expect(history.scaleDown).toEqual([expect.objectContaining({ change: (up.at(-1)?.replicas ?? 0) - 1 })]);
  });

  it("a Percent policy paces the scale down: 50% per minute from 8", () => {
    const c = hpaCluster();
    c.apply(phpApache({ replicas: 8 }));
    c.apply(service());
    run(c, 30);
    c.apply(hpa("php-apache", { behavior: { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] } } }));
    const sizes: number[] = [];
    for (let i = 0; i < 16; i++) {
      run(c, 15);
      sizes.push(replicasOf(c, "php-apache")!);
    }
    expect([...new Set(sizes)]).toEqual([4, 2, 1]);
    // One step per policy period: the scale events are exactly 60 simulated seconds apart.
    const history = JSON.parse(getHpa(c, "php-apache").metadata!.annotations!["kubeflare.dev/scale-events"]);
    const at = history.scaleDown.map((e: { at: string }) => Date.parse(e.at));
    expect(history.scaleDown.map((e: { change: number }) => e.change)).toEqual([2, 1]);
    expect((at[1] - at[0]) / SECOND).toBe(60);
    expect(condition(c, "php-apache", "ScalingLimited")?.reason).toBe("TooFewReplicas");
  });
});

describe("other metrics", () => {
  it("memory utilization: pods at 80% of a 100Mi request against 50% scale up to maxReplicas", () => {
    const c = hpaCluster();
    c.apply(phpApache({ name: "mem", image: "nginx", requests: { cpu: "100m", memory: "100Mi" }, limits: {}, annotations: { "kubeflare.dev/memory": "80Mi" } }));
    run(c, 30);
    c.apply(hpa("mem", { max: 6, metrics: [{ type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 50 } } }] }));
    runUntil(c, 300, (cl) => replicasOf(cl, "mem") === 6);
    run(c, 30);
    expect(replicasOf(c, "mem")).toBe(6);
    expect(targets(c, "mem")).toBe("memory: 80%/50%");
    expect(condition(c, "mem", "ScalingLimited")).toMatchObject({ status: "True", reason: "TooManyReplicas" });
    expect(getHpa(c, "mem").status?.currentMetrics?.[0].resource?.current.averageValue).toBe("83886080");
    expect(hpaEvents(c, "mem").map((e) => e.message)).toContain("New size: 2; reason: memory resource utilization (percentage of request) above target");
  });

  it("memory AverageValue follows kubeflare.dev/memory-growth", () => {
    const c = hpaCluster();
    c.apply(phpApache({ name: "leaky", image: "nginx", requests: { cpu: "100m", memory: "64Mi" }, limits: {}, annotations: { "kubeflare.dev/memory": "10Mi", "kubeflare.dev/memory-growth": "100Ki" } }));
    run(c, 10);
    c.apply(hpa("leaky", { max: 4, metrics: [{ type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "40Mi" } } }] }));
    run(c, 30);
    expect(replicasOf(c, "leaky")).toBe(1);
    // 10Mi + 100Ki/s passes 44Mi (40Mi + 10%) after about 350 s.
    const seconds = runUntil(c, 900, (cl) => (replicasOf(cl, "leaky") ?? 0) > 1);
    expect(seconds).toBeGreaterThan(250);
    expect(hpaEvents(c, "leaky").map((e) => e.message)).toContain("New size: 2; reason: memory resource above target");
  });

  it("a StatefulSet target, scaled on a Pods metric (requests_per_second from the Service's load)", () => {
    const c = hpaCluster({ extra: [fakeStatefulSetController()] });
    c.apply(statefulSet("web", 2));
    c.apply(service("web", { app: "web" }, { "kubeflare.dev/load-rps": "50" }));
    run(c, 30);
    c.apply(hpa("web", {
      target: { kind: "StatefulSet", name: "web" },
      metrics: [{ type: "Pods", pods: { metric: { name: "requests_per_second" }, target: { type: "AverageValue", averageValue: "10" } } }],
    }));
    runUntil(c, 300, (cl) => (cl.get("statefulsets.apps", "web") as unknown as StatefulSet).spec?.replicas === 5);
    run(c, 60);
    expect((c.get("statefulsets.apps", "web") as unknown as StatefulSet).spec?.replicas).toBe(5);
    expect(targets(c, "web")).toBe("10/10");
    expect(hpaEvents(c, "web").map((e) => e.message)).toContain("New size: 5; reason: pods metric requests_per_second above target");
  });

  it("an Object metric on a Service and an External metric from the HPA's annotation: the larger proposal wins", () => {
    const c = hpaCluster();
    c.apply(phpApache({ replicas: 2 }));
    c.apply(service("php-apache", { run: "php-apache" }, { "kubeflare.dev/load-rps": "100" }));
    run(c, 30);
    c.apply(hpa("php-apache", {
      annotations: { "kubeflare.dev/external-metrics": JSON.stringify({ queue_messages_ready: [{ labels: { queue: "worker_tasks" }, value: "90" }, { labels: { queue: "other" }, value: "1000" }] }) },
      metrics: [
        { type: "Object", object: { describedObject: { apiVersion: "v1", kind: "Service", name: "php-apache" }, metric: { name: "requests-per-second" }, target: { type: "AverageValue", averageValue: "25" } } },
        { type: "External", external: { metric: { name: "queue_messages_ready", selector: { matchLabels: { queue: "worker_tasks" } } }, target: { type: "AverageValue", averageValue: "30" } } },
      ],
    }));
    runUntil(c, 60, (cl) => replicasOf(cl, "php-apache") === 4);
    run(c, 60);
    // Object: 100 rps at 25 per pod → 4; External: 90 messages at 30 per pod → 3. 4 wins, and holds.
    expect(replicasOf(c, "php-apache")).toBe(4);
    expect(targets(c, "php-apache")).toBe("25/25 (avg), 22500m/30 (avg)");
    expect(hpaEvents(c, "php-apache").map((e) => e.message)).toContain("New size: 4; reason: external metric requests-per-second(nil) above target");
  });

  it("External metrics from the cluster-level source", () => {
    const c = hpaCluster({ externalMetrics: ({ name }) => (name === "queue_messages_ready" ? [{ value: 150_000 }] : undefined) });
    c.apply(phpApache());
    run(c, 30);
    c.apply(hpa("php-apache", { metrics: [{ type: "External", external: { metric: { name: "queue_messages_ready" }, target: { type: "AverageValue", averageValue: "30" } } }] }));
    runUntil(c, 120, (cl) => replicasOf(cl, "php-apache") === 5);
    expect(replicasOf(c, "php-apache")).toBe(5);
    expect(hpaEvents(c, "php-apache").map((e) => e.message)).toContain("New size: 4; reason: external metric queue_messages_ready(nil) above target");
  });
});

describe("errors and limits", () => {
  it("a container without a cpu request: FailedGetResourceMetric, ScalingActive False, <unknown> target", () => {
    const c = hpaCluster();
    c.apply(phpApache({ requests: {}, limits: {} }));
    run(c, 30);
    c.apply(hpa("php-apache"));
    run(c, 20);
    expect(targets(c, "php-apache")).toBe("cpu: <unknown>/50%");
    const pod = c.list("pods", "default")[0].metadata.name!;
    const inner = `failed to get cpu utilization: missing request for cpu in container php-apache of Pod ${pod}`;
    expect(condition(c, "php-apache", "ScalingActive")).toMatchObject({ status: "False", reason: "FailedGetResourceMetric", message: `the HPA was unable to compute the replica count: ${inner}` });
    const events = hpaEvents(c, "php-apache");
    expect(events).toContainEqual(expect.objectContaining({ type: "Warning", reason: "FailedGetResourceMetric", message: inner }));
    expect(events).toContainEqual(expect.objectContaining({ reason: "FailedComputeMetricsReplicas", message: `invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: ${inner}` }));
    // Repeated every sync, aggregated into one Event with a count.
    run(c, 45);
    expect(hpaEvents(c, "php-apache").find((e) => e.reason === "FailedGetResourceMetric")!.count).toBeGreaterThanOrEqual(3);
    expect(getHpa(c, "php-apache").status?.currentMetrics).toEqual([{ type: "" }]);
  });

  it("a missing target: FailedGetScale, AbleToScale False", () => {
    const c = hpaCluster();
    c.apply(hpa("nope"));
    run(c, 20);
    expect(condition(c, "nope", "AbleToScale")).toMatchObject({ status: "False", reason: "FailedGetScale", message: `the HPA controller was unable to get the target's current scale: deployments.apps "nope" not found` });
    expect(hpaEvents(c, "nope")).toContainEqual(expect.objectContaining({ reason: "FailedGetScale", message: `deployments.apps "nope" not found` }));
    // Creating the target later is picked up by the next sync.
    c.apply(phpApache({ name: "nope" }));
    run(c, 45);
    expect(condition(c, "nope", "AbleToScale")?.status).toBe("True");
  });

  it("an unknown kind: no matches for kind", () => {
    const c = hpaCluster();
    c.apply(hpa("x", { target: { apiVersion: "apps/v1", kind: "Widget", name: "x" } }));
    run(c, 20);
    expect(condition(c, "x", "AbleToScale")?.message).toBe(`the HPA controller was unable to get the target's current scale: no matches for kind "Widget" in group "apps"`);
  });

  it.each([
    // name, replicas, min, max, expected, reason
    ["above maxReplicas", 12, 1, 10, 10, "Current number of replicas above Spec.MaxReplicas"],
    ["below minReplicas", 1, 3, 10, 3, "Current number of replicas below Spec.MinReplicas"],
  ])("replicas %s are brought into range at once, without consulting metrics", (_name, replicas, min, max, expected, reason) => {
    const c = hpaCluster();
    c.apply(phpApache({ replicas }));
    run(c, 5);
    c.apply(hpa("php-apache", { min, max }));
    run(c, 20);
    expect(replicasOf(c, "php-apache")).toBe(expected);
    expect(hpaEvents(c, "php-apache").map((e) => e.message)).toContain(`New size: ${expected}; reason: ${reason}`);
    expect(getHpa(c, "php-apache").status?.currentMetrics).toBeUndefined();
  });

  it("a target scaled to zero by hand disables autoscaling", () => {
    const c = hpaCluster();
    c.apply(phpApache({ replicas: 0 }));
    c.apply(hpa("php-apache"));
    run(c, 20);
    expect(condition(c, "php-apache", "ScalingActive")).toMatchObject({ status: "False", reason: "ScalingDisabled", message: "scaling is disabled since the replica count of the target is zero" });
    expect(replicasOf(c, "php-apache")).toBe(0);
  });

  it("two HPAs over the same pods: AmbiguousSelector", () => {
    const c = hpaCluster();
    c.apply(phpApache());
    run(c, 10);
    c.apply(hpa("a", { target: { name: "php-apache" } }));
    c.apply(hpa("b", { target: { name: "php-apache" } }));
    run(c, 20);
    expect(condition(c, "a", "ScalingActive")).toMatchObject({ status: "False", reason: "AmbiguousSelector", message: "pods by selector run=php-apache are controlled by multiple HPAs: [default/a default/b]" });
  });

  it("an HPA added later over the same pods makes the first ambiguous; deleting it makes the first valid again", () => {
    const c = hpaCluster();
    c.apply(phpApache());
    c.apply(phpApache({ name: "other" }));
    run(c, 10);
    c.apply(hpa("a", { target: { name: "php-apache" } }));
    c.apply(hpa("other"));
    run(c, 40);
    expect(condition(c, "a", "ScalingActive")).toMatchObject({ status: "True", reason: "ValidMetricFound" });
    c.apply(hpa("b", { target: { name: "php-apache" } }));
    run(c, 20);
    expect(condition(c, "a", "ScalingActive")).toMatchObject({ status: "False", reason: "AmbiguousSelector", message: "pods by selector run=php-apache are controlled by multiple HPAs: [default/a default/b]" });
    expect(condition(c, "other", "ScalingActive")).toMatchObject({ status: "True", reason: "ValidMetricFound" });
    c.delete("HorizontalPodAutoscaler", "b");
    run(c, 20);
    expect(condition(c, "a", "ScalingActive")).toMatchObject({ status: "True", reason: "ValidMetricFound" });
  });
});

describe("cost", () => {
  it("a cluster without HPAs arms nothing for the HPA controller; an HPA is polled while it exists", () => {
    const c = hpaCluster();
    c.apply(phpApache());
    run(c, 30);
    expect(c.store.queuedControllers()).not.toContain(HPA_COMPONENT);
    c.apply(hpa("php-apache"));
    run(c, 20);
    expect(c.store.queuedControllers()).toContain(HPA_COMPONENT);
    c.delete("HorizontalPodAutoscaler", "php-apache");
    run(c, 20);
    expect(c.store.queuedControllers()).not.toContain(HPA_COMPONENT);
  });

  it("a steady HPA writes nothing: its own status writes do not wake it, and unchanged status is not written", () => {
    const c = walkthrough();
    run(c, 60);
    const before = getHpa(c, "php-apache").metadata!.resourceVersion;
    const events = c.list("events", "default").length;
    const steps = c.steps;
    run(c, 150);
    expect(getHpa(c, "php-apache").metadata!.resourceVersion).toBe(before);
    expect(c.list("events", "default")).toHaveLength(events);
    // Ten syncs, one step each.
    expect(c.steps - steps).toBe(10);
  });

  it("HPAs created at different times sync at the same instants after their first sync, once a period", () => {
    // One instant per period for every HPA of the cluster: one alarm, not one per HPA (issue 6's bench).
    const c = hpaCluster();
    for (const name of ["a", "b", "c"]) c.apply(phpApache({ name }));
    run(c, 10);
    const controller = c.runner.controllers.find((x) => x.name === HPA_COMPONENT)!;
    const reconcile = controller.reconcile.bind(controller);
    const syncs = new Map<string, number[]>();
    controller.reconcile = (key, snapshot, now, rng) => {
      syncs.set(key, [...(syncs.get(key) ?? []), now]);
      return reconcile(key, snapshot, now, rng);
    };
    for (const name of ["a", "b", "c"]) {
      c.apply(hpa(name));
      run(c, 4);
    }
    run(c, 60);
    const [a, b, cc] = ["a", "b", "c"].map((name) => syncs.get(`default/${name}`)!.slice(-3));
    expect(b).toEqual(a);
    expect(cc).toEqual(a);
    expect(a[1] - a[0]).toBe(T.sync);
    expect(a[2] - a[1]).toBe(T.sync);
  });

  it.each([
    ["just after a grid point", 30_200, 14_800],
    ["before the middle of a period", 37_000, 8_000],
    ["past the middle of a period", 38_000, 22_000],
    ["on a grid point", 45_000, 15_000],
  ])("resyncDelay, period 15 s, synced %s (%i ms): next in %i ms", (_, now, delay) => {
    expect(resyncDelay(now, 15_000)).toBe(delay);
  });

  it("a sync reads the same objects however many HPAs share the namespace (the ambiguity check reads no other HPA)", () => {
    // It once read every HPA and its target's Scale on every sync: O(HPAs²) reads per sync period,
    // which left 100 HPAs five times behind their period in the benchmark.
    const readsForOneSync = (hpas: number) => {
      const c = hpaCluster();
      for (let i = 0; i < hpas; i++) {
        c.apply(phpApache({ name: `app-${i}` }));
        c.apply(hpa(`app-${i}`));
      }
      run(c, 40);
      const controller = c.runner.controllers.find((x) => x.name === HPA_COMPONENT)!;
      const store = storeSnapshot(c.store);
      let reads = 0;
      const counted = {
        ...store,
        get: (...args: Parameters<typeof store.get>) => (reads++, store.get(...args)),
        list: (resource: string, namespace?: string) => {
          const items = store.list(resource, namespace);
          if (resource !== "pods") reads += items.length;
          return items;
        },
      };
      expect(controller.reconcile("default/app-0", counted, c.now, () => 0.5).writes).toEqual([]);
      return reads;
    };
    expect(readsForOneSync(30)).toBe(readsForOneSync(2));
  });
});

// ---- a stand-in StatefulSet controller -------------------------------------------------------------

function statefulSet(name: string, replicas: number) {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace: "default" },
    spec: {
      serviceName: name,
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "nginx", image: "registry.k8s.io/nginx-slim:0.24", ports: [{ containerPort: 80, name: "web" }] }] } },
    },
  };
}

/** Ordinal pods `<name>-<i>` for spec.replicas (highest removed first), status.replicas: enough of a StatefulSet to be scaled. */
function fakeStatefulSetController(): Controller {
  return {
    name: "fake-statefulset",
    keysFor(change) {
      if (change.resource === "statefulsets.apps") return [keyOf(change.object)];
      const ref = change.resource === "pods" ? change.object.metadata.ownerReferences?.find((r) => r.controller) : undefined;
      return ref?.kind === "StatefulSet" ? [`${change.object.metadata.namespace}/${ref.name}`] : [];
    },
    reconcile(key, snapshot) {
      const { namespace, name } = splitKey(key);
      const obj = snapshot.get("statefulsets.apps", namespace, name);
      if (!obj) return done();
      const sts = obj as unknown as StatefulSet;
      const want = sts.spec?.replicas ?? 1;
      const pods = snapshot.ownedBy("pods", obj.metadata.uid!).filter((p) => !p.metadata.deletionTimestamp);
      const writes: Write[] = [];
      for (let i = 0; i < want; i++) {
        if (pods.some((p) => p.metadata.name === `${name}-${i}`)) continue;
        const template = sts.spec!.template;
        const pod: Pod = {
          apiVersion: "v1", kind: "Pod",
          metadata: { name: `${name}-${i}`, namespace, labels: { ...template.metadata?.labels }, ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name, uid: obj.metadata.uid!, controller: true }] },
          spec: structuredClone(template.spec!),
        };
        writes.push({ op: "create", resource: "pods", object: pod as never });
      }
      for (const p of pods) if (Number(p.metadata.name!.slice(name.length + 1)) >= want) writes.push({ op: "delete", resource: "pods", namespace, name: p.metadata.name!, uid: p.metadata.uid });
      const replicas = Math.min(pods.length, want);
      if ((sts.status?.replicas ?? -1) !== replicas) writes.push({ op: "status", resource: "statefulsets.apps", object: { ...obj, status: { ...(obj.status as object), replicas } } });
      return done(writes);
    },
  };
}

