/** The HPA walkthrough and autoscaling on memory, custom and external metrics, with the real kubectl (fast profile). */
import { beforeAll, describe, expect, it } from "vitest";
import { newCluster, ok, type Cluster, until } from "./helpers";

let cluster: Cluster;
const json = async (args: string[]) => JSON.parse(await ok(cluster, [...args, "-o", "json"]));

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
    const manage = (path: string, body: unknown) => fetch(`${cluster.server.replace(/\/clusters\/.*/, "")}/v1/clusters/${cluster.id}${path}`, {
      method: "PUT", headers: { authorization: `Bearer ${cluster.token}`, "content-type": "application/json" }, body: JSON.stringify(body),
    });
    expect((await manage("/namespaces/default/services/php-apache/load", { requestsPerSecond: 200 })).status).toBe(200);
    await until("scale-up from direct load", async () => (await json(["get", "hpa", "php-apache"])).status.desiredReplicas > 1);
    expect((await manage("/namespaces/default/services/php-apache/load", { requestsPerSecond: -1 })).status).toBe(422);

    expect((await manage("/external-metrics/queue_messages_ready", { value: 30 })).status).toBe(200);
    const raw = (await (await fetch(`${cluster.server}/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_messages_ready`, { headers: { authorization: `Bearer ${cluster.token}` } })).json()) as any;
    expect(raw.items[0]).toMatchObject({ metricName: "queue_messages_ready", value: "30" });
    await ok(cluster, ["create", "deployment", "worker", "--image=busybox", "--", "sh", "-c", "while true; do sleep 1; done"]);
    await ok(cluster, ["apply", "-f", "-"], {
      input: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: worker\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}\n  minReplicas: 1\n  maxReplicas: 10\n  metrics:\n  - type: External\n    external:\n      metric: {name: queue_messages_ready}\n      target: {type: AverageValue, averageValue: \"10\"}\n",
    });
    await until("3 workers for 30 messages at 10 each", async () => (await json(["get", "deployment", "worker"])).spec.replicas === 3);
  });
});

