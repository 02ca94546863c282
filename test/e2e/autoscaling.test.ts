/** The HPA walkthrough and autoscaling on memory, custom and external metrics, with the real kubectl (fast profile). */
import { beforeAll, describe, expect, it } from "vitest";
import { kubectl, newCluster, ok, type Cluster, until } from "./helpers";

let cluster: Cluster;
const json = async (args: string[]) => JSON.parse(await ok(cluster, [...args, "-o", "json"]));

/** A management API call on this cluster (`PUT /v1/clusters/{id}/...`). */
const manage = (path: string, body: unknown) => fetch(`${cluster.server.replace(/\/clusters\/.*/, "")}/v1/clusters/${cluster.id}${path}`, {
  method: "PUT", headers: { authorization: `Bearer ${cluster.token}`, "content-type": "application/json" }, body: JSON.stringify(body),
});

beforeAll(async () => {
  cluster = await newCluster({ name: "autoscaling", nodes: 3, simulation: { profile: "fast" } });
});

describe("HorizontalPodAutoscaler walkthrough", () => {
  it("scales php-apache up under load and shows it in kubectl top", async () => {
    await ok(cluster, ["apply", "-f", "-"], {
      input: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: php-apache\nspec:\n  selector:\n    matchLabels:\n      run: php-apache\n  template:\n    metadata:\n      labels:\n        run: php-apache\n    spec:\n      containers:\n      - name: php-apache\n        image: registry.k8s.io/hpa-example\n        ports:\n        - containerPort: 80\n        resources:\n          limits:\n            cpu: 500m\n          requests:\n            cpu: 200m\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: php-apache\n  labels:\n    run: php-apache\nspec:\n  ports:\n  - port: 80\n  selector:\n    run: php-apache\n",
    });
    await ok(cluster, ["rollout", "status", "deployment/php-apache", "--timeout=60s"]);
    expect(await ok(cluster, ["autoscale", "deployment", "php-apache", "--cpu-percent=50", "--min=1", "--max=10"])).toContain("horizontalpodautoscaler.autoscaling/php-apache autoscaled");
    await ok(cluster, ["run", "load-generator", "--image=busybox:1.28", "--restart=Never", "--", "/bin/sh", "-c", "while sleep 0.01; do wget -q -O- http://php-apache; done"]);
    const scaled = await until("scale-up", async () => {
      const hpa = await json(["get", "hpa", "php-apache"]);
      return (hpa.status.desiredReplicas ?? 0) > 1 ? hpa : undefined;
    });
    expect(scaled.status.desiredReplicas).toBeGreaterThan(1);
    expect(await ok(cluster, ["get", "hpa", "php-apache"])).toMatch(/^php-apache\s+Deployment\/php-apache\s+cpu: \d+%\/50%\s+1\s+10\s+\d+/m);
    const top = await ok(cluster, ["top", "pods", "-l", "run=php-apache"]);
    expect(top).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/m);
    expect(top).toMatch(/^php-apache-\S+\s+\d+m\s+\d+Mi/m);
    expect(await ok(cluster, ["top", "nodes"])).toMatch(/^node-1\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/m);
    const containers = await ok(cluster, ["top", "pods", "--containers", "-l", "run=php-apache"]);
    expect(containers).toMatch(/^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/m);
    expect(containers).toMatch(/^php-apache-\S+\s+php-apache\s+\d+m\s+\d+Mi/m);
    const all = await ok(cluster, ["top", "pods", "-A"]);
    expect(all).toMatch(/^kube-system\s+coredns-\S+\s+\d+m\s+\d+Mi/m);
    expect(all).toMatch(/^default\s+load-generator\s+\d+m\s+\d+Mi/m);
    const events = await ok(cluster, ["describe", "hpa", "php-apache"]);
    expect(events).toMatch(/SuccessfulRescale.*New size: \d+; reason: cpu resource utilization \(percentage of request\) above target/);
  });

  it("returns to 1 replica once the load stops, with a short scale-down window", async () => {
    await ok(cluster, ["patch", "hpa", "php-apache", "--type=merge", "-p", '{"spec":{"behavior":{"scaleDown":{"stabilizationWindowSeconds":0}}}}']);
    await ok(cluster, ["delete", "pod", "load-generator"]);
    await until("scale-down to 1", async () => (await json(["get", "hpa", "php-apache"])).status.desiredReplicas === 1);
    await until("1 replica", async () => (await json(["get", "deployment", "php-apache"])).spec.replicas === 1);
    expect(await ok(cluster, ["describe", "hpa", "php-apache"])).toMatch(/New size: 1; reason: All metrics below target/);
  });

  it("scales on load set through the management API and on an external metric", async () => {
    expect((await manage("/namespaces/default/services/php-apache/load", { requestsPerSecond: 200 })).status).toBe(200);
    await until("scale-up from direct load", async () => (await json(["get", "hpa", "php-apache"])).status.desiredReplicas > 1);
    expect((await manage("/namespaces/default/services/php-apache/load", { requestsPerSecond: -1 })).status).toBe(422);

    expect((await manage("/external-metrics/queue_messages_ready", { value: 30 })).status).toBe(200);
    const raw = JSON.parse(await ok(cluster, ["get", "--raw", "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_messages_ready"]));
    expect(raw.items[0]).toMatchObject({ metricName: "queue_messages_ready", value: "30" });
    await ok(cluster, ["create", "deployment", "worker", "--image=busybox", "--", "sh", "-c", "while true; do sleep 1; done"]);
    await ok(cluster, ["apply", "-f", "-"], {
      input: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: worker\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}\n  minReplicas: 1\n  maxReplicas: 10\n  metrics:\n  - type: External\n    external:\n      metric: {name: queue_messages_ready}\n      target: {type: AverageValue, averageValue: \"10\"}\n",
    });
    await until("3 workers for 30 messages at 10 each", async () => (await json(["get", "deployment", "worker"])).spec.replicas === 3);
  });
});


describe("HPA on memory, custom metrics and a StatefulSet", () => {
  it("scales on memory utilization up to maxReplicas and says it is limited", async () => {
    await ok(cluster, ["apply", "-f", "-"], {
      input: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache
spec:
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
      annotations: {kubeflare.dev/memory: 100Mi}
    spec:
      containers:
      - name: cache
        image: redis
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {memory: 256Mi}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: cache
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: cache}
  minReplicas: 1
  maxReplicas: 4
  metrics:
  - type: Resource
    resource:
      name: memory
      target: {type: Utilization, averageUtilization: 60}
`,
    });
    // 100Mi of a 64Mi request is 156% against 60%: ceil(1 × 156/60) = 3, then ceil(3 × 156/60) = 8 → max 4.
    const hpa = await until("4 replicas, limited", async () => {
      const h = await json(["get", "hpa", "cache"]);
      return h.status.currentReplicas === 4 && h.status.conditions?.some((c: any) => c.type === "ScalingLimited" && c.status === "True") ? h : undefined;
    });
    expect(hpa.status.conditions.find((c: any) => c.type === "ScalingLimited")).toMatchObject({ reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" });
    expect(await ok(cluster, ["get", "hpa", "cache"])).toMatch(/^cache\s+Deployment\/cache\s+memory: 156%\/60%\s+1\s+4\s+4\s+/m);
    expect(await ok(cluster, ["describe", "hpa", "cache"])).toMatch(/New size: 3; reason: memory resource utilization \(percentage of request\) above target/);
    expect(await ok(cluster, ["top", "pods", "-l", "app=cache", "--no-headers"])).toMatch(/^cache-\S+\s+\d+m\s+100Mi\s*$/m);
  });

  it("scales on a custom pod metric (requests per second) from the load model", async () => {
    await ok(cluster, ["create", "deployment", "api", "--image=nginx:1.25", "--port=80"]);
    await ok(cluster, ["expose", "deployment", "api", "--port=80"]);
    await ok(cluster, ["rollout", "status", "deployment/api", "--timeout=60s"]);
    await ok(cluster, ["apply", "-f", "-"], {
      input: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 1\n  maxReplicas: 10\n  metrics:\n  - type: Pods\n    pods:\n      metric: {name: requests_per_second}\n      target: {type: AverageValue, averageValue: \"10\"}\n",
    });
    expect((await manage("/namespaces/default/services/api/load", { requestsPerSecond: 50 })).status).toBe(200);
    // 50 requests/s over pods that should serve 10 each: 5 replicas, then 10/10 per pod.
    await until("5 replicas", async () => (await json(["get", "deployment", "api"])).status.readyReplicas === 5, 90_000);
    await until("10/10 in TARGETS", async () => /^api\s+Deployment\/api\s+10\/10\s+1\s+10\s+5\s+/m.test(await ok(cluster, ["get", "hpa", "api"])));
    const metrics = JSON.parse(await ok(cluster, ["get", "--raw", "/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/*/requests_per_second?labelSelector=app%3Dapi"]));
    expect(metrics.kind).toBe("MetricValueList");
    expect(metrics.items).toHaveLength(5);
    expect(metrics.items.every((m: any) => m.value === "10")).toBe(true);
    expect(await ok(cluster, ["describe", "hpa", "api"])).toMatch(/New size: 5; reason: pods metric requests_per_second above target/);
  });

  it("scales a StatefulSet through its scale subresource, in order", async () => {
    await ok(cluster, ["apply", "-f", "-"], {
      input: `apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 1
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
      annotations: {kubeflare.dev/cpu: 180m}
    spec:
      containers:
      - name: db
        image: nginx:1.25
        resources:
          requests: {cpu: 100m}
`,
    });
    await ok(cluster, ["rollout", "status", "statefulset/db", "--timeout=60s"]);
    expect(await ok(cluster, ["autoscale", "statefulset", "db", "--cpu-percent=50", "--min=1", "--max=3"])).toContain("horizontalpodautoscaler.autoscaling/db autoscaled");
    // 180m of a 100m request is 180% against 50%: ceil(1 × 3.6) = 4 → the maximum, 3.
    await until("db-2 Ready", async () => (await json(["get", "statefulset", "db"])).status.readyReplicas === 3, 90_000);
    const pods = (await json(["get", "pods", "-l", "app=db"])).items as any[];
    expect(pods.map((p) => p.metadata.name).sort()).toEqual(["db-0", "db-1", "db-2"]);
    // OrderedReady: each pod was created only after the one before it was Ready.
    const readyAt = (p: any) => Date.parse(p.status.conditions.find((c: any) => c.type === "Ready").lastTransitionTime);
    const byName = Object.fromEntries(pods.map((p) => [p.metadata.name, p]));
    expect(Date.parse(byName["db-1"].metadata.creationTimestamp)).toBeGreaterThanOrEqual(readyAt(byName["db-0"]));
    expect(Date.parse(byName["db-2"].metadata.creationTimestamp)).toBeGreaterThanOrEqual(readyAt(byName["db-1"]));
    await until("REPLICAS 3 in kubectl get hpa", async () => /^db\s+StatefulSet\/db\s+cpu: 180%\/50%\s+1\s+3\s+3\s+/m.test(await ok(cluster, ["get", "hpa", "db"])));
  });
});

describe("Memory limits", () => {
  it("OOM-kills a container whose memory grows past its limit, and kubectl top never shows more than the limit", async () => {
    await ok(cluster, ["apply", "-f", "-"], {
      input: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: leaky\n  annotations:\n    kubeflare.dev/memory: 20Mi\n    kubeflare.dev/memory-growth: 1Mi\nspec:\n  containers:\n  - name: app\n    image: nginx:1.25\n    resources:\n      limits: {memory: 50Mi}\n",
    });
    // 20Mi + 1Mi per simulated second passes 50Mi after 30 s (0.6 s in the fast profile).
    const pod = await until("an OOMKilled restart", async () => {
      const p = await json(["get", "pod", "leaky"]);
      return p.status.containerStatuses?.[0].lastState?.terminated?.reason === "OOMKilled" ? p : undefined;
    });
    expect(pod.status.containerStatuses[0].lastState.terminated.exitCode).toBe(137);
    expect(pod.status.containerStatuses[0].restartCount).toBeGreaterThanOrEqual(1);
    expect(await ok(cluster, ["describe", "pod", "leaky"])).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+OOMKilled\n\s+Exit Code:\s+137/);
    for (let i = 0; i < 5; i++) {
      const top = await kubectl(cluster, ["top", "pod", "leaky", "--no-headers"]);
      const mi = /(\d+)Mi/.exec(top.stdout)?.[1];
      if (mi) expect(Number(mi)).toBeLessThanOrEqual(50);
    }
  });
});
