/**
 * Tutorials from the Kubernetes docs that no other suite walks: "Learn Kubernetes Basics" and the
 * memory and CPU resource pages, run as a learner would with the real kubectl (fast profile).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { newCluster, ok, type Cluster, until } from "./helpers";

let cluster: Cluster;
const json = async (args: string[]) => JSON.parse(await ok(cluster, [...args, "-o", "json"]));

beforeAll(async () => {
  cluster = await newCluster({ name: "tutorials", nodes: 3, simulation: { profile: "fast" } });
});

describe("Learn Kubernetes Basics", () => {
  const bootcamp = ["deployments/kubernetes-bootcamp"];

  it("deploys, exposes, scales, updates and rolls back kubernetes-bootcamp", async () => {
    expect(await ok(cluster, ["create", "deployment", "kubernetes-bootcamp", "--image=gcr.io/google-samples/kubernetes-bootcamp:v1"])).toContain("deployment.apps/kubernetes-bootcamp created");
    await ok(cluster, ["rollout", "status", ...bootcamp, "--timeout=60s"]);
    expect(await ok(cluster, ["get", "deployments"])).toMatch(/^kubernetes-bootcamp\s+1\/1\s+1\s+1\s+/m);

    expect(await ok(cluster, ["expose", "deployment/kubernetes-bootcamp", "--type=NodePort", "--port", "8080"])).toContain("service/kubernetes-bootcamp exposed");
    const service = await ok(cluster, ["describe", "services/kubernetes-bootcamp"]);
    expect(service).toMatch(/^Type:\s+NodePort$/m);
    expect(service).toMatch(/^NodePort:\s+<unset>\s+3\d{4}\/TCP$/m);
    await until("an endpoint", async () => /^Endpoints:\s+10\.244\.\d+\.\d+:8080$/m.test(await ok(cluster, ["describe", "services/kubernetes-bootcamp"])));

    const [pod] = (await json(["get", "pods", "-l", "app=kubernetes-bootcamp"])).items;
    expect(await ok(cluster, ["label", "pods", pod.metadata.name, "version=v1"])).toContain(`pod/${pod.metadata.name} labeled`);
    expect(await ok(cluster, ["get", "pods", "-l", "version=v1", "-o", "name"])).toBe(`pod/${pod.metadata.name}\n`);

    await ok(cluster, ["scale", ...bootcamp, "--replicas=4"]);
    await ok(cluster, ["rollout", "status", ...bootcamp, "--timeout=60s"]);
    expect(await ok(cluster, ["get", "rs"])).toMatch(/^kubernetes-bootcamp-\S+\s+4\s+4\s+4\s+/m);
    const ips = (await json(["get", "pods", "-l", "app=kubernetes-bootcamp"])).items.map((p: any) => p.status.podIP);
    expect(new Set(ips).size).toBe(4);

    await ok(cluster, ["set", "image", ...bootcamp, "kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2"]);
    expect(await ok(cluster, ["rollout", "status", ...bootcamp, "--timeout=60s"])).toContain('deployment "kubernetes-bootcamp" successfully rolled out');

    // v10 does not exist: the new pods cannot pull it, the old ones keep serving.
    await ok(cluster, ["set", "image", ...bootcamp, "kubernetes-bootcamp=gcr.io/google-samples/kubernetes-bootcamp:v10"]);
    await until("ImagePullBackOff", async () => /\s(ErrImagePull|ImagePullBackOff)\s/.test(await ok(cluster, ["get", "pods"])));
    const failing = (await json(["get", "pods"])).items.find((p: any) => p.spec.containers[0].image.endsWith(":v10"));
    expect(await ok(cluster, ["describe", "pod", failing.metadata.name])).toMatch(/Failed to pull image "gcr.io\/google-samples\/kubernetes-bootcamp:v10".*not found/);
    expect(await ok(cluster, ["get", "deployments"])).toMatch(/^kubernetes-bootcamp\s+3\/4\s+2\s+3\s+/m);

    expect(await ok(cluster, ["rollout", "undo", ...bootcamp])).toContain("deployment.apps/kubernetes-bootcamp rolled back");
    await ok(cluster, ["rollout", "status", ...bootcamp, "--timeout=60s"]);
    const images = (await json(["get", "pods", "-l", "app=kubernetes-bootcamp"])).items.map((p: any) => p.spec.containers[0].image);
    expect(images).toEqual(Array(4).fill("docker.io/jocatalin/kubernetes-bootcamp:v2"));

    await ok(cluster, ["delete", "deployments/kubernetes-bootcamp", "services/kubernetes-bootcamp"]);
  });
});

describe("Assign Memory and CPU Resources", () => {
  const stress = (name: string, ns: string, requests: Record<string, string>, limits: Record<string, string>, command: string[], args: string[]) =>
    JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: ns }, spec: { containers: [{ name: `${name}-ctr`, image: command.length ? "polinux/stress" : "vish/stress", resources: { requests, limits }, ...(command.length ? { command } : {}), args }] } });

  it("memory: within the limit it runs, past it it is OOMKilled, past every node it stays Pending", async () => {
    await ok(cluster, ["create", "namespace", "mem-example"]);
    await ok(cluster, ["apply", "-f", "-"], { input: stress("memory-demo", "mem-example", { memory: "100Mi" }, { memory: "200Mi" }, ["stress"], ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"]) });
    await until("memory-demo Running", async () => (await json(["get", "pod", "memory-demo", "-n", "mem-example"])).status.phase === "Running");
    expect(await until("metrics", async () => (await ok(cluster, ["top", "pod", "memory-demo", "--namespace=mem-example"])).match(/^memory-demo\s+\d+m\s+150Mi/m)));

    await ok(cluster, ["apply", "-f", "-"], { input: stress("memory-demo-2", "mem-example", { memory: "50Mi" }, { memory: "100Mi" }, ["stress"], ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]) });
    const killed = await until("OOMKilled", async () => {
      const p = await json(["get", "pod", "memory-demo-2", "-n", "mem-example"]);
      return p.status.containerStatuses?.[0].lastState?.terminated?.reason === "OOMKilled" ? p : undefined;
    });
    expect(killed.status.containerStatuses[0].lastState.terminated.exitCode).toBe(137);

    await ok(cluster, ["apply", "-f", "-"], { input: stress("memory-demo-3", "mem-example", { memory: "1000Gi" }, { memory: "1000Gi" }, ["stress"], ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"]) });
    const pending = await until("FailedScheduling", async () => {
      const text = await ok(cluster, ["describe", "pod", "memory-demo-3", "--namespace=mem-example"]);
      return /FailedScheduling/.test(text) ? text : undefined;
    });
    expect(pending).toMatch(/0\/3 nodes are available: 3 Insufficient memory\./);
    expect(await ok(cluster, ["get", "pod", "memory-demo-3", "--namespace=mem-example"])).toMatch(/^memory-demo-3\s+0\/1\s+Pending\s+0\s+/m);
    await ok(cluster, ["delete", "namespace", "mem-example"]);
  });

  it("cpu: a container asking for two CPUs is throttled at its limit of one", async () => {
    await ok(cluster, ["create", "namespace", "cpu-example"]);
    await ok(cluster, ["apply", "-f", "-"], { input: stress("cpu-demo", "cpu-example", { cpu: "0.5" }, { cpu: "1" }, [], ["-cpus", "2"]) });
    expect(await until("metrics", async () => (await ok(cluster, ["top", "pod", "cpu-demo", "--namespace=cpu-example"])).match(/^cpu-demo\s+1000m\s+\d+Mi/m)));
    await ok(cluster, ["apply", "-f", "-"], { input: stress("cpu-demo-2", "cpu-example", { cpu: "100" }, { cpu: "100" }, [], ["-cpus", "2"]) });
    const pending = await until("FailedScheduling", async () => {
      const text = await ok(cluster, ["describe", "pod", "cpu-demo-2", "--namespace=cpu-example"]);
      return /FailedScheduling/.test(text) ? text : undefined;
    });
    expect(pending).toMatch(/0\/3 nodes are available: 3 Insufficient cpu\./);
  });
});

describe("Debugging DNS Resolution", () => {
  it("runs CoreDNS behind the kube-dns Service at 10.96.0.10, the nameserver pods are given", async () => {
    const pods = await until("two coredns pods Running", async () => {
      const out = await ok(cluster, ["get", "pods", "--namespace=kube-system", "-l", "k8s-app=kube-dns"]);
      return (out.match(/^coredns-\S+\s+1\/1\s+Running\s+/gm) ?? []).length === 2 ? out : undefined;
    });
    expect(pods).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    expect(await ok(cluster, ["get", "svc", "--namespace=kube-system"])).toMatch(/^kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP\s+/m);
    const endpoints = await ok(cluster, ["get", "endpoints", "kube-dns", "--namespace=kube-system"]);
    // Per port, every address: dns (UDP) on both, then dns-tcp on the first, and three more.
    expect(endpoints).toMatch(/^kube-dns\s+(10\.244\.\d+\.\d+):53,10\.244\.\d+\.\d+:53,\1:53 \+ 3 more\.\.\.\s+/m);
    expect(await ok(cluster, ["get", "configmap", "coredns", "-n", "kube-system", "-o", "jsonpath={.data.Corefile}"])).toContain("kubernetes cluster.local in-addr.arpa ip6.arpa");
    // A user's Service never takes the DNS address.
    await ok(cluster, ["create", "service", "clusterip", "my-svc", "--tcp=80:80"]);
    expect((await json(["get", "svc", "my-svc"])).spec.clusterIP).not.toBe("10.96.0.10");
  });
});

describe("Exposing an External IP Address to Access an Application in a Cluster", () => {
  it("gives a LoadBalancer Service an external IP and takes it away with the type", async () => {
    await ok(cluster, ["create", "deployment", "hello-world", "--replicas=5", "--image=gcr.io/google-samples/hello-app:2.0", "--port=8080"]);
    expect(await ok(cluster, ["expose", "deployment", "hello-world", "--type=LoadBalancer", "--name=my-service"])).toContain("service/my-service exposed");
    const line = await until("an EXTERNAL-IP", async () => {
      const out = await ok(cluster, ["get", "services", "my-service"]);
      return /^my-service\s+LoadBalancer\s+10\.96\.\d+\.\d+\s+172\.18\.255\.\d+\s+8080:3\d{4}\/TCP\s+/m.test(out) ? out : undefined;
    });
    const ip = /172\.18\.255\.\d+/.exec(line)![0];
    await ok(cluster, ["rollout", "status", "deployment/hello-world", "--timeout=60s"]);
    const described = await ok(cluster, ["describe", "services", "my-service"]);
    expect(described).toMatch(new RegExp(`^LoadBalancer Ingress:\\s+${ip.replace(/\./g, "\\.")}`, "m"));
    expect(described).toMatch(/Normal\s+EnsuringLoadBalancer\s+\S+\s+service-controller\s+Ensuring load balancer/);
    expect(described).toMatch(/Normal\s+EnsuredLoadBalancer\s+\S+\s+service-controller\s+Ensured load balancer/);
    expect((await json(["get", "svc", "my-service"])).metadata.finalizers).toEqual(["service.kubernetes.io/load-balancer-cleanup"]);

    await ok(cluster, ["patch", "svc", "my-service", "-p", '{"spec":{"type":"NodePort"}}']);
    await until("no EXTERNAL-IP", async () => /^my-service\s+NodePort\s+\S+\s+<none>\s+/m.test(await ok(cluster, ["get", "services", "my-service"])));
    await ok(cluster, ["delete", "services", "my-service"], { timeoutMs: 30_000 });
    await ok(cluster, ["delete", "deployment", "hello-world"]);
  });
});

describe("Define a Command and Arguments / Define Environment Variables", () => {
  it("prints what the docs show through kubectl logs", async () => {
    await ok(cluster, ["apply", "-f", "-"], {
      input: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: command-demo\n  labels:\n    purpose: demonstrate-command\nspec:\n  containers:\n  - name: command-demo-container\n    image: debian\n    command: [\"printenv\"]\n    args: [\"HOSTNAME\", \"KUBERNETES_PORT\"]\n  restartPolicy: OnFailure\n",
    });
    await until("command-demo Completed", async () => (await json(["get", "pod", "command-demo"])).status.phase === "Succeeded");
    expect(await ok(cluster, ["logs", "command-demo"])).toBe("command-demo\ntcp://10.96.0.1:443\n");

    await ok(cluster, ["apply", "-f", "-"], {
      input: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: envar-demo\nspec:\n  containers:\n  - name: envar-demo-container\n    image: gcr.io/google-samples/hello-app:2.0\n    env:\n    - name: DEMO_GREETING\n      value: \"Hello from the environment\"\n    - name: DEMO_FAREWELL\n      value: \"Such a sweet sorrow\"\n",
    });
    await ok(cluster, ["wait", "--for=condition=Ready", "pod/envar-demo", "--timeout=60s"]);
    const env = await ok(cluster, ["exec", "envar-demo", "--", "printenv"]);
    expect(env).toMatch(/^DEMO_GREETING=Hello from the environment$/m);
    expect(env).toMatch(/^DEMO_FAREWELL=Such a sweet sorrow$/m);
    expect(env).toMatch(/^KUBERNETES_SERVICE_HOST=10\.96\.0\.1$/m);
  });
});
