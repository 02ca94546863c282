/** Many pods and odd moments: invariants hold at every step, IPs stay unique, timers stop when idle. */
import type { Container } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { createKubelet } from "../../../src/sim/kubelet";
import { DEFAULT_SETTINGS } from "../../../src/sim/settings";
import { container, pod } from "./fixtures";
import { Cluster } from "./harness";

const kubelet = () => createKubelet(DEFAULT_SETTINGS);

const VARIETY: { containers: Container[]; restartPolicy?: "Always" | "OnFailure" | "Never" }[] = [
  { containers: [container("nginx:1.14.2")] },
  { containers: [container("busybox")] },
  { containers: [container("busybox:1.28", { command: ["sleep", "30"] })], restartPolicy: "Never" },
  { containers: [container("busybox:1.28", { command: ["sh", "-c", "sleep 3; exit 2"] })], restartPolicy: "OnFailure" },
  { containers: [container("nginx:1.161")] },
  { containers: [container("redis:7"), container("nginx:1.25", { readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 5 } })] },
  { containers: [container("busybox:1.28", { args: ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"], livenessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, initialDelaySeconds: 5, periodSeconds: 5 } })] },
];

describe("robustness", () => {
  it("sixty mixed pods on three nodes for an hour: invariants, unique IPs per node", () => {
    const c = new Cluster(kubelet());
    for (let i = 0; i < 60; i++) {
      const v = VARIETY[i % VARIETY.length];
      c.put("pods", pod(`p${i}`, v.containers, { node: `node-${(i % 3) + 1}`, restartPolicy: v.restartPolicy }));
    }
    c.run(3600, 100_000);
    const pods = [...c.objects.entries()].filter(([k]) => k.startsWith("pods/")).map(([, o]) => o);
    for (const node of ["node-1", "node-2", "node-3"]) {
      const live = pods.filter((p) => (p.spec as { nodeName: string }).nodeName === node && !["Succeeded", "Failed"].includes((p.status as { phase: string }).phase));
      const ips = live.map((p) => (p.status as { podIP?: string }).podIP).filter(Boolean);
      expect(new Set(ips).size).toBe(ips.length);
    }
  });

  it("deleting pods at awkward moments always ends with the pod gone", () => {
    const c = new Cluster(kubelet());
    const moments = [0, 0.5, 1.2, 1.4, 5, 31, 47];
    moments.forEach((_, i) => c.put("pods", pod(`d${i}`, VARIETY[6].containers)));
    c.put("pods", pod("pulling", [container("nginx:1.161")]));
    let t = 0;
    moments.forEach((moment, i) => {
      c.run(moment - t);
      t = moment;
      c.deletePod(`d${i}`);
    });
    c.deletePod("pulling");
    c.run(120);
    expect([...c.objects.keys()].filter((k) => k.startsWith("pods/"))).toEqual([]);
    expect(c.idle).toBe(true);
  });

  it("an interactive shell (stdin) keeps running", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("it", [container("busybox", { stdin: true, tty: true, args: ["sh"] })], { restartPolicy: "Never" }));
    c.run(600);
    expect(c.pod("it").status?.phase).toBe("Running");
    expect(c.idle).toBe(true);
  });

  it("an image that must not be pulled and is not on the node: ErrImageNeverPull", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("never", [container("example.com/local:dev", { imagePullPolicy: "Never" })]));
    c.run(30);
    expect(c.pod("never").status?.containerStatuses?.[0].state?.waiting).toEqual({
      reason: "ErrImageNeverPull",
      message: 'Container image "example.com/local:dev" is not present with pull policy of Never',
    });
    expect(c.idle).toBe(true);
  });

  it("a crash-looping app behind a completed init container does not rerun the init container", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("initcrash", [container("busybox:1.28", { name: "app", command: ["sh", "-c", "sleep 2; exit 1"] })], {
      initContainers: [container("busybox:1.28", { name: "setup", command: ["true"] })],
    }));
    c.run(300);
    expect(c.eventsFor("initcrash").filter((e) => e === "Normal Started: Started container setup")).toHaveLength(1);
    expect(c.pod("initcrash").status?.phase).toBe("Running");
    expect(c.statuses("initcrash")).toContain("CrashLoopBackOff");
  });

  it("a failed node's kubelet stops at once and catches up on recovery", () => {
    const c = new Cluster(kubelet());
    const node = JSON.parse(JSON.stringify(c.get("nodes", "", "node-1")));
    node.metadata.annotations = { ...node.metadata.annotations, "kubeflare.dev/failed": "true" };
    c.put("nodes", node);
    c.put("pods", pod("waiting", [container("nginx:1.14.2")]));
    c.run(30);
    expect(c.observations).toEqual([]);
    delete node.metadata.annotations["kubeflare.dev/failed"];
    c.put("nodes", node);
    c.run(30);
    expect(c.pod("waiting").status?.phase).toBe("Running");
  });

  it("a zero timeScale does not spin", () => {
    const c = new Cluster(createKubelet({ ...DEFAULT_SETTINGS, timeScale: 0, sandboxSeconds: 0, imagePullSeconds: 0, containerStartSeconds: 0 }));
    c.put("pods", pod("spin", [container("busybox:1.28", { command: ["true"] }), container("nginx", { readinessProbe: { tcpSocket: { port: 80 } } })]));
    expect(c.run(1, 5000)).toBeLessThan(5000);
  });

  it("a pod whose node is gone is left to the node controller", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("orphan", [container("nginx:1.14.2")], { node: "node-9" }));
    c.run(30);
    expect(c.pod("orphan").status?.phase).toBe("Pending");
    expect(c.observations).toEqual([]);
  });
});
