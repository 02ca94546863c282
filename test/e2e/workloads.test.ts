/** StatefulSet Basics and the DaemonSet page with the real kubectl (fast profile). */
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
