/**
 * The simulated data plane through kubectl, in the fast simulation profile: pods come alive on
 * nodes, restart with back-off, finish, fail to pull, wait for room, obey cordons and taints, get
 * drained and evicted from failed nodes; Services track ready pods; claims bind; an idle cluster sleeps.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { kubectl, newCluster, ok, serverUrl, type Cluster, until } from "./helpers";

let cluster: Cluster;

const manage = (path: string, init: RequestInit = {}) =>
  fetch(`${serverUrl()}/v1/clusters/${cluster.id}${path}`, { ...init, headers: { authorization: `Bearer ${cluster.token}`, ...(init.headers ?? {}) } });


const podJson = async (name: string, ns = "default") => JSON.parse(await ok(cluster, ["get", "pod", name, "-n", ns, "-o", "json"]));

beforeAll(async () => {
  cluster = await newCluster({ name: "data-plane", nodes: 3, simulation: { profile: "fast" } });
});

describe("pods on simulated nodes", () => {
  it("runs a two-container pod with one IP shared through its sandbox", async () => {
    await ok(cluster, ["apply", "-f", "-"], {
      input: `apiVersion: v1
kind: Pod
metadata:
  name: two
spec:
  containers:
  - name: web
    image: nginx:1.25
  - name: sidecar
    image: busybox:1.36
    command: ["sh", "-c", "while true; do echo tick; sleep 1; done"]
`,
    });
    await ok(cluster, ["wait", "--for=condition=Ready", "pod/two", "--timeout=30s"]);
    const wide = await ok(cluster, ["get", "pod", "two", "-o", "wide"]);
    expect(wide).toMatch(/^two\s+2\/2\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+node-\d/m);
    const pod = await podJson("two");
    const runtime = await (await manage(`/nodes/${pod.spec.nodeName}/runtime`)).json() as any;
    const sandbox = runtime.sandboxes.find((s: any) => s.pod.name === "two");
    expect(sandbox.ip).toBe(pod.status.podIP);
    expect(sandbox.image).toMatch(/^registry\.k8s\.io\/pause:/);
    expect(sandbox.containers.map((c: any) => c.name).sort()).toEqual(["sidecar", "web"]);
    const events = await ok(cluster, ["get", "events", "--field-selector", "involvedObject.name=two", "-o", "jsonpath={.items[*].reason}"]);
    for (const reason of ["Scheduled", "Pulling", "Pulled", "Created", "Started"]) expect(events).toContain(reason);
  });

  it("restarts a crashing container with growing back-off and keeps the previous logs", async () => {
    await ok(cluster, ["run", "crash", "--image=busybox:1.36", "--", "sh", "-c", "echo starting up; exit 1"]);
    const status = await until("CrashLoopBackOff with restarts", async () => {
      const pod = await podJson("crash");
      const cs = pod.status.containerStatuses?.[0];
      return cs?.restartCount >= 2 && cs.state.waiting?.reason === "CrashLoopBackOff" ? cs : undefined;
    });
    expect(status.lastState.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    expect(await ok(cluster, ["get", "pod", "crash"])).toMatch(/^crash\s+0\/1\s+(CrashLoopBackOff|Error)\s+\d+ \(\S+ ago\)/m);
    expect(await ok(cluster, ["logs", "crash", "--previous"])).toBe("starting up\n");
    const backoffs = await ok(cluster, ["get", "events", "--field-selector", "involvedObject.name=crash,reason=BackOff", "-o", "name"]);
    expect(backoffs.trim()).not.toBe("");
  });

  it("finishes a Never pod as Succeeded or Failed", async () => {
    await ok(cluster, ["run", "ok", "--image=busybox:1.36", "--restart=Never", "--", "sh", "-c", "echo all good"]);
    await ok(cluster, ["run", "bad", "--image=busybox:1.36", "--restart=Never", "--", "sh", "-c", "exit 3"]);
    await ok(cluster, ["wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/ok", "--timeout=30s"]);
    await ok(cluster, ["wait", "--for=jsonpath={.status.phase}=Failed", "pod/bad", "--timeout=30s"]);
    expect(await ok(cluster, ["get", "pod", "ok"])).toMatch(/^ok\s+0\/1\s+Completed\s+0/m);
    expect(await ok(cluster, ["get", "pod", "bad"])).toMatch(/^bad\s+0\/1\s+Error\s+0/m);
    expect(await ok(cluster, ["logs", "ok"])).toBe("all good\n");
    expect((await podJson("bad")).status.containerStatuses[0].state.terminated.exitCode).toBe(3);
  });

  it("keeps a pod with an impossible image tag in ImagePullBackOff", async () => {
    await ok(cluster, ["run", "typo", "--image=nginx:1.161"]);
    await until("ImagePullBackOff", async () => (await podJson("typo")).status.containerStatuses?.[0]?.state?.waiting?.reason === "ImagePullBackOff");
    expect(await ok(cluster, ["get", "pod", "typo"])).toMatch(/^typo\s+0\/1\s+(ImagePullBackOff|ErrImagePull)\s+0/m);
    const describe = await ok(cluster, ["describe", "pod", "typo"]);
    expect(describe).toContain('Failed to pull image "nginx:1.161"');
  });
});

describe("scheduling", () => {
  it("leaves an unschedulable pod Pending until a fitting node is added", async () => {
    await ok(cluster, ["run", "picky", "--image=nginx", "--overrides", JSON.stringify({ spec: { nodeSelector: { disktype: "ssd" } } })]);
    const pending = await until("FailedScheduling", async () => {
      const pod = await podJson("picky");
      return pod.status.conditions?.find((c: any) => c.type === "PodScheduled" && c.reason === "Unschedulable");
    });
    expect(pending.message).toMatch(/^0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector/);
    await ok(cluster, ["apply", "-f", "-"], { input: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-ssd\n  labels:\n    disktype: ssd\n" });
    await ok(cluster, ["wait", "--for=condition=Ready", "pod/picky", "--timeout=30s"]);
    expect((await podJson("picky")).spec.nodeName).toBe("node-ssd");
    expect(await ok(cluster, ["get", "node", "node-ssd"])).toMatch(/^node-ssd\s+Ready\s+<none>/m);
  });

  it("places nothing on a cordoned node and only tolerating pods on a tainted one", async () => {
    await ok(cluster, ["create", "namespace", "placement"]);
    await ok(cluster, ["cordon", "node-1"]);
    await ok(cluster, ["taint", "node", "node-2", "dedicated=gpu:NoSchedule"]);
    for (let i = 0; i < 4; i++) await ok(cluster, ["run", `p${i}`, "-n", "placement", "--image=nginx"]);
    await ok(cluster, ["run", "tolerant", "-n", "placement", "--image=nginx", "--overrides", JSON.stringify({ spec: { tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }], nodeSelector: { "kubernetes.io/hostname": "node-2" } } })]);
    await ok(cluster, ["wait", "--for=condition=Ready", "pod", "--all", "-n", "placement", "--timeout=30s"]);
    const nodes = JSON.parse(await ok(cluster, ["get", "pods", "-n", "placement", "-o", "json"])).items.map((p: any) => [p.metadata.name, p.spec.nodeName]);
    for (const [name, node] of nodes) {
      expect(node).not.toBe("node-1");
      if (name !== "tolerant") expect(node).not.toBe("node-2");
    }
    expect(Object.fromEntries(nodes).tolerant).toBe("node-2");
    expect(await ok(cluster, ["get", "node", "node-1"])).toMatch(/^node-1\s+Ready,SchedulingDisabled/m);
    await ok(cluster, ["uncordon", "node-1"]);
    await ok(cluster, ["taint", "node", "node-2", "dedicated=gpu:NoSchedule-"]);
  });

  it("drains a node through the Eviction API", async () => {
    // A node of its own, so the drain evicts nothing the other tests rely on.
    await ok(cluster, ["apply", "-f", "-"], { input: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-drain\n" });
    await ok(cluster, ["create", "namespace", "drain"]);
    await ok(cluster, ["run", "victim", "-n", "drain", "--image=nginx", "--overrides", JSON.stringify({ spec: { nodeSelector: { "kubernetes.io/hostname": "node-drain" } } })]);
    await ok(cluster, ["wait", "--for=condition=Ready", "pod/victim", "-n", "drain", "--timeout=30s"]);
    const drain = await ok(cluster, ["drain", "node-drain", "--ignore-daemonsets", "--force", "--delete-emptydir-data", "--timeout=60s"]);
    expect(drain).toContain("evicting pod drain/victim");
    expect(drain).toContain("node/node-drain drained");
    expect((await kubectl(cluster, ["get", "pod", "victim", "-n", "drain"])).stderr).toContain('pods "victim" not found');
    await ok(cluster, ["delete", "node", "node-drain"]);
  });

  it("evicts the pods of a failed node after their toleration and recovers the node", async () => {
    await ok(cluster, ["create", "namespace", "failure"]);
    await ok(cluster, ["run", "stranded", "-n", "failure", "--image=nginx", "--overrides", JSON.stringify({ spec: { nodeSelector: { "kubernetes.io/hostname": "node-ssd" } } })]);
    await ok(cluster, ["wait", "--for=condition=Ready", "pod/stranded", "-n", "failure", "--timeout=30s"]);
    expect((await manage("/nodes/node-ssd/fail", { method: "POST" })).status).toBe(200);
    await until("node NotReady", async () => /^node-ssd\s+NotReady/m.test(await ok(cluster, ["get", "node", "node-ssd"])));
    const taints = JSON.parse(await ok(cluster, ["get", "node", "node-ssd", "-o", "jsonpath={.spec.taints}"]));
    expect(taints.map((t: any) => `${t.key}:${t.effect}`)).toEqual(expect.arrayContaining(["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"]));
    // The taint manager evicts after the toleration (300 s, scaled); the pod shows Terminating because
    // the unreachable kubelet cannot confirm, exactly as on a real cluster.
    await until("eviction", async () => (await podJson("stranded", "failure")).metadata.deletionTimestamp);
    expect(await ok(cluster, ["get", "pod", "stranded", "-n", "failure"])).toMatch(/^stranded\s+\S+\s+Terminating/m);
    expect((await manage("/nodes/node-ssd/recover", { method: "POST" })).status).toBe(200);
    await until("node Ready", async () => /^node-ssd\s+Ready/m.test(await ok(cluster, ["get", "node", "node-ssd"])));
    // Back in touch, the kubelet finishes the deletion.
    await until("pod gone", async () => (await kubectl(cluster, ["get", "pod", "stranded", "-n", "failure"])).stderr.includes("not found"));
  });
});

describe("logs and nodes", () => {
  it("tails and follows a container's logs", async () => {
    await until("sidecar output", async () => (await ok(cluster, ["logs", "two", "-c", "sidecar"])).split("\n").length > 3);
    expect(await ok(cluster, ["logs", "two", "-c", "sidecar", "--tail=2"])).toBe("tick\ntick\n");
    const stamped = await ok(cluster, ["logs", "two", "-c", "sidecar", "--tail=1", "--timestamps"]);
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\S+ tick\n$/);
    // -f keeps the stream open and delivers new lines as the container prints them.
    const follow = await kubectl(cluster, ["logs", "two", "-c", "sidecar", "-f", "--tail=0"], { timeoutMs: 3000 });
    expect(follow.stdout).toMatch(/^(tick\n)+$/);
  });

  it("removes the pods of a deleted node", async () => {
    await ok(cluster, ["apply", "-f", "-"], { input: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-temp\n  labels:\n    pool: temp\n" });
    await ok(cluster, ["run", "temp", "--image=nginx", "--overrides", JSON.stringify({ spec: { nodeSelector: { pool: "temp" } } })]);
    await ok(cluster, ["wait", "--for=condition=Ready", "pod/temp", "--timeout=30s"]);
    await ok(cluster, ["delete", "node", "node-temp"]);
    await until("pod removed", async () => (await kubectl(cluster, ["get", "pod", "temp"])).stderr.includes("not found"));
  });
});

describe("services and storage", () => {
  it("keeps a Service's endpoints on its ready pods and answers its DNS name", async () => {
    await ok(cluster, ["create", "namespace", "svc"]);
    await ok(cluster, ["run", "backend", "-n", "svc", "--image=nginx", "--labels=app=backend", "--port=80"]);
    await ok(cluster, ["expose", "pod", "backend", "-n", "svc", "--port=80", "--name=backend"]);
    await ok(cluster, ["wait", "--for=condition=Ready", "pod/backend", "-n", "svc", "--timeout=30s"]);
    const ip = (await podJson("backend", "svc")).status.podIP;
    await until("endpoints", async () => (await ok(cluster, ["get", "endpoints", "backend", "-n", "svc"])).includes(`${ip}:80`));
    expect(await ok(cluster, ["describe", "svc", "backend", "-n", "svc"])).toMatch(new RegExp(`Endpoints:\\s+${ip.replace(/\./g, "\\.")}:80`));
    const dns = await (await manage(`/dns?name=backend.svc.svc.cluster.local`)).json() as any;
    const svcIp = await ok(cluster, ["get", "svc", "backend", "-n", "svc", "-o", "jsonpath={.spec.clusterIP}"]);
    expect(dns).toMatchObject({ type: "A", records: [svcIp] });
  });

  it("binds a claim to a provisioned volume", async () => {
    await ok(cluster, ["apply", "-f", "-"], { input: "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n" });
    await ok(cluster, ["wait", "--for=jsonpath={.status.phase}=Bound", "pvc/data", "--timeout=30s"]);
    const pvc = await ok(cluster, ["get", "pvc", "data"]);
    expect(pvc).toMatch(/^data\s+Bound\s+pvc-[0-9a-f-]+\s+1Gi\s+RWO\s+standard/m);
  });
});

describe("an idle cluster", () => {
  it("arms no alarm once everything has settled", async () => {
    const idle = await createIdleCluster();
    const summary = await until("no alarm", async () => {
      const s = await (await fetch(`${serverUrl()}/v1/clusters/${idle.id}`, { headers: { authorization: `Bearer ${idle.token}` } })).json() as any;
      return s.alarm === null ? s : undefined;
    });
    expect(summary.objects.pods).toBe(4); // a, b and the two coredns replicas
  });
});

async function createIdleCluster(): Promise<Cluster> {
  const idle = await newCluster({ name: "idle", nodes: 2, simulation: { profile: "fast" } });
  await ok(idle, ["run", "a", "--image=nginx"]);
  await ok(idle, ["run", "b", "--image=redis:7"]);
  await ok(idle, ["wait", "--for=condition=Ready", "pod/a", "pod/b", "--timeout=30s"]);
  return idle;
}
