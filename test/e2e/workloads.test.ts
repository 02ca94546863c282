/** StatefulSet Basics, the DaemonSet page and the HPA walkthrough with the real kubectl (fast profile). */
import { beforeAll, describe, expect, it } from "vitest";
import { newCluster, ok, type Cluster, until } from "./helpers";

let cluster: Cluster;
const json = async (args: string[]) => JSON.parse(await ok(cluster, [...args, "-o", "json"]));


const WEB = `apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.21
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
`;

beforeAll(async () => {
  cluster = await newCluster({ name: "workloads", nodes: 3, simulation: { profile: "fast" } });
});

describe("StatefulSet Basics", () => {
  it("creates web-0 then web-1 with stable claims and DNS, and keeps them across pod deletion", async () => {
    await ok(cluster, ["apply", "-f", "-"], { input: WEB });
    await ok(cluster, ["rollout", "status", "statefulset/web", "--timeout=60s"]);
    const pods = (await json(["get", "pods", "-l", "app=nginx"])).items as any[];
    expect(pods.map((p) => p.metadata.name).sort()).toEqual(["web-0", "web-1"]);
    expect(pods.every((p) => p.spec.hostname === p.metadata.name && p.spec.subdomain === "nginx")).toBe(true);
    expect(await ok(cluster, ["get", "pvc", "-l", "app=nginx"])).toMatch(/^www-web-0\s+Bound/m);
    const uid = pods.find((p) => p.metadata.name === "web-0").metadata.uid;
    await ok(cluster, ["delete", "pod", "web-0"]);
    const back = await until("web-0 recreated", async () => {
      const pod = (await json(["get", "pod", "web-0"]));
      return pod.metadata.uid !== uid && pod.status.phase === "Running" ? pod : undefined;
    });
    expect(back.spec.volumes.find((v: any) => v.name === "www").persistentVolumeClaim.claimName).toBe("www-web-0");
  });

  it("scales up and down in order and rolls out an update", async () => {
    await ok(cluster, ["scale", "sts", "web", "--replicas=4"]);
    await ok(cluster, ["rollout", "status", "statefulset/web", "--timeout=60s"]);
    await ok(cluster, ["scale", "sts", "web", "--replicas=2"]);
    await until("2 pods", async () => (await json(["get", "pods", "-l", "app=nginx"])).items.length === 2);
    await ok(cluster, ["patch", "statefulset", "web", "--type=json", "-p", '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"registry.k8s.io/nginx-slim:0.24"}]']);
    await ok(cluster, ["rollout", "status", "statefulset/web", "--timeout=60s"]);
    const images = (await json(["get", "pods", "-l", "app=nginx"])).items.map((p: any) => p.spec.containers[0].image);
    expect(images).toEqual(["registry.k8s.io/nginx-slim:0.24", "registry.k8s.io/nginx-slim:0.24"]);
    expect(await ok(cluster, ["rollout", "history", "statefulset/web"])).toMatch(/^1\s+<none>\n2\s+<none>/m);
  });
});

describe("DaemonSet", () => {
  it("runs one pod per node, follows nodes, and rolls out", async () => {
    await ok(cluster, ["create", "namespace", "kube-logging"]);
    await ok(cluster, ["apply", "-n", "kube-logging", "-f", "-"], {
      input: "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: fluentd-elasticsearch\n  labels:\n    k8s-app: fluentd-logging\nspec:\n  selector:\n    matchLabels:\n      name: fluentd-elasticsearch\n  template:\n    metadata:\n      labels:\n        name: fluentd-elasticsearch\n    spec:\n      tolerations:\n      - key: node-role.kubernetes.io/control-plane\n        operator: Exists\n        effect: NoSchedule\n      containers:\n      - name: fluentd-elasticsearch\n        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2\n",
    });
    await ok(cluster, ["rollout", "status", "ds/fluentd-elasticsearch", "-n", "kube-logging", "--timeout=60s"]);
    expect(await ok(cluster, ["get", "ds", "-n", "kube-logging"])).toMatch(/^fluentd-elasticsearch\s+3\s+3\s+3\s+3\s+3\s+<none>/m);
    await ok(cluster, ["apply", "-f", "-"], { input: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-extra\n" });
    await until("a 4th daemon pod", async () => (await json(["get", "pods", "-n", "kube-logging"])).items.filter((p: any) => p.status.phase === "Running").length === 4);
    await ok(cluster, ["taint", "node", "node-extra", "dedicated=x:NoExecute"]);
    await until("the tainted node's pod gone", async () => (await json(["get", "pods", "-n", "kube-logging"])).items.length === 3);
    await ok(cluster, ["set", "image", "ds/fluentd-elasticsearch", "-n", "kube-logging", "fluentd-elasticsearch=quay.io/fluentd_elasticsearch/fluentd:v2.6.0"]);
    await ok(cluster, ["rollout", "status", "ds/fluentd-elasticsearch", "-n", "kube-logging", "--timeout=60s"]);
    const images = (await json(["get", "pods", "-n", "kube-logging"])).items.map((p: any) => p.spec.containers[0].image);
    expect(new Set(images)).toEqual(new Set(["quay.io/fluentd_elasticsearch/fluentd:v2.6.0"]));
  });
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

