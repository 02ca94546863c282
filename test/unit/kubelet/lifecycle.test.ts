/**
 * Pod lifecycles from the Kubernetes docs, run to quiescence through the virtual kubelet with the
 * default simulation profile (0.3 s sandbox, 0.8 s pull, 0.2 s start, upstream back-offs).
 */
import type { Pod } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { createKubelet, runtimeView, unflushedLogLines } from "../../../src/sim/kubelet";
import { readRecord } from "../../../src/sim/kubelet/record";
import { DEFAULT_SETTINGS, FAST_SETTINGS } from "../../../src/sim/settings";
import { container, pod } from "./fixtures";
import { Cluster, START } from "./harness";

const kubelet = () => createKubelet(DEFAULT_SETTINGS);
const condition = (p: Pod, type: string) => p.status?.conditions?.find((c) => c.type === type);
const seconds = (ms: number) => Math.round(ms / 100) / 10;

describe("a server container", () => {
  it("runs and becomes Ready: sandbox, pull, create, start", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("nginx", [container("nginx:1.14.2", { ports: [{ containerPort: 80 }] })]));
    c.run(600);
    expect(c.idle).toBe(true);
    const p = c.pod("nginx");
    expect(p.status?.phase).toBe("Running");
    expect(p.status?.podIP).toBe("10.244.1.2");
    expect(p.status?.podIPs).toEqual([{ ip: "10.244.1.2" }]);
    expect(p.status?.hostIP).toBe("172.18.0.2");
    expect(p.status?.startTime).toBe("2024-05-01T10:00:00Z");
    expect(p.status?.qosClass).toBe("BestEffort");
    expect(p.status?.conditions?.map((x) => `${x.type}=${x.status}`)).toEqual([
      "PodReadyToStartContainers=True", "Initialized=True", "Ready=True", "ContainersReady=True", "PodScheduled=True",
    ]);
    const [cs] = p.status!.containerStatuses!;
    expect(cs).toMatchObject({ name: "nginx", image: "docker.io/library/nginx:1.14.2", ready: true, started: true, restartCount: 0, lastState: {} });
    expect(cs.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs.state?.running?.startedAt).toBe("2024-05-01T10:00:01Z");
    expect(c.eventsFor("nginx")).toEqual([
      'Normal Pulling: Pulling image "nginx:1.14.2"',
      expect.stringMatching(/^Normal Pulled: Successfully pulled image "nginx:1.14.2" in 800ms \(800ms including waiting\)\. Image size: \d+ bytes\.$/),
      "Normal Created: Created container nginx",
      "Normal Started: Started container nginx",
    ]);
    expect(c.events.every((e) => e.host === "node-1" && e.fieldPath === "spec.containers{nginx}")).toBe(true);
    expect(c.statuses("nginx")).toEqual(["ContainerCreating", "Running"]);
  });

  it("records the pause sandbox like crictl would list it", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("shared", [container("nginx:1.14.2")], { spec: { shareProcessNamespace: true } }));
    c.run(60);
    const record = readRecord(c.get("pods", "default", "shared")!)!;
    expect(record).toMatchObject({
      image: "registry.k8s.io/pause:3.10",
      state: "SANDBOX_READY",
      ip: "10.244.1.2",
      namespaces: { network: "POD", ipc: "POD", uts: "POD", pid: "POD" },
      createdAt: START,
    });
    expect(record.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is deterministic: the same pod gives the same ids and statuses", () => {
    const run = () => {
      const c = new Cluster(kubelet());
      c.put("pods", pod("nginx", [container("nginx:1.14.2")]));
      c.run(60);
      return c.pod("nginx").status;
    };
    expect(run()).toEqual(run());
  });
});

describe("restart policies", () => {
  it("busybox with no command completes, restarts, and backs off 10 s, 20 s, 40 s (CrashLoopBackOff)", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("busybox", [container("busybox")]));
    c.run(200);
    const p = c.pod("busybox");
    expect(p.status?.phase).toBe("Running");
    const starts = c.events.filter((e) => e.reason === "Started").map((e) => e.at);
    const exits = c.observations.filter((o) => o.status === "Completed").map((o) => o.at + START);
    // From each exit to the next start: the back-off (none the first time, only the 1 s the
    // kubelet takes to notice), then 1 s to pull (busybox:latest is pulled every time) and start.
    const waits = starts.slice(1).map((s, i) => seconds(s - exits[i] - 1000));
    expect(waits.slice(0, 5)).toEqual([1, 10, 20, 40, 80]);
    expect(c.statuses("busybox")).toEqual(["ContainerCreating", "Completed", "CrashLoopBackOff", "Completed", "CrashLoopBackOff", "Completed", "CrashLoopBackOff", "Completed", "CrashLoopBackOff", "Completed", "CrashLoopBackOff"]);
    const [cs] = p.status!.containerStatuses!;
    // The back-off now being waited out (the sixth restart comes 160 s after the fifth exit).
    expect(cs.state?.waiting).toEqual({ reason: "CrashLoopBackOff", message: `back-off 2m40s restarting failed container=busybox pod=busybox_default(${p.metadata?.uid})` });
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    expect(cs.restartCount).toBe(5);
    expect(c.eventsFor("busybox")).toContain(`Warning BackOff: Back-off restarting failed container busybox in pod busybox_default(${p.metadata?.uid})`);
    expect(condition(p, "Ready")).toMatchObject({ status: "False", reason: "ContainersNotReady", message: "containers with unready status: [busybox]" });
  });

  it("caps the back-off at 5 minutes", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("crash", [container("busybox:1.36", { name: "crash", command: ["sh", "-c", "exit 1"] })]));
    c.run(3600);
    const messages = c.observations.filter((o) => o.status === "CrashLoopBackOff").length;
    expect(messages).toBeGreaterThan(8);
    const [cs] = c.pod("crash").status!.containerStatuses!;
    expect(cs.state?.waiting?.message).toMatch(/^back-off 5m0s restarting failed container=crash /);
  });

  it("forgets the back-off once a container ran for 10 minutes", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("slowcrash", [container("busybox:1.36", { command: ["sh", "-c", "sleep 660; exit 1"] })]));
    c.run(4 * 3600);
    expect(c.pod("slowcrash").status?.containerStatuses?.[0].restartCount).toBeGreaterThanOrEqual(20);
    expect(c.statuses("slowcrash")).not.toContain("CrashLoopBackOff");
  });

  it.each([
    { name: "sleep 5 with Never succeeds", command: ["sleep", "5"], policy: "Never", phase: "Succeeded", exitCode: 0, reason: "Completed", status: "Completed" },
    { name: "exit 3 with Never fails", command: ["sh", "-c", "exit 3"], policy: "Never", phase: "Failed", exitCode: 3, reason: "Error", status: "Error" },
    { name: "false with Never fails", command: ["false"], policy: "Never", phase: "Failed", exitCode: 1, reason: "Error", status: "Error" },
    { name: "true with OnFailure succeeds", command: ["true"], policy: "OnFailure", phase: "Succeeded", exitCode: 0, reason: "Completed", status: "Completed" },
  ] as const)("$name", ({ command, policy, phase, exitCode, reason, status }) => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("job", [container("busybox:1.28", { command: [...command] })], { restartPolicy: policy }));
    c.run(600);
    expect(c.idle).toBe(true);
    const p = c.pod("job");
    expect(p.status?.phase).toBe(phase);
    const [cs] = p.status!.containerStatuses!;
    expect(cs.state?.terminated).toMatchObject({ exitCode, reason });
    expect(cs).toMatchObject({ ready: false, started: false, restartCount: 0 });
    expect(c.observations[c.observations.length - 1].status).toBe(status);
    expect(condition(p, "PodReadyToStartContainers")?.status).toBe("False");
    if (phase === "Succeeded") {
      expect(condition(p, "Ready")).toMatchObject({ status: "False", reason: "PodCompleted" });
      expect(condition(p, "Initialized")).toMatchObject({ status: "True", reason: "PodCompleted" });
    } else {
      expect(condition(p, "Ready")).toMatchObject({ status: "False", reason: "ContainersNotReady" });
    }
    expect(readRecord(c.get("pods", "default", "job")!)?.state).toBe("SANDBOX_NOTREADY");
  });

  it("sleep 5 runs five seconds", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("sleeper", [container("busybox:1.28", { command: ["sleep", "5"] })], { restartPolicy: "Never" }));
    c.run(60);
    const t = c.pod("sleeper").status!.containerStatuses![0].state!.terminated!;
    expect(Date.parse(t.finishedAt!) - Date.parse(t.startedAt!)).toBe(5000);
  });

  it("OnFailure restarts a failing container and keeps the pod Running", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("retry", [container("busybox:1.28", { command: ["sh", "-c", "sleep 2; exit 1"] })], { restartPolicy: "OnFailure" }));
    c.run(120);
    const p = c.pod("retry");
    expect(p.status?.phase).toBe("Running");
    const [cs] = p.status!.containerStatuses!;
    expect(cs.restartCount).toBeGreaterThanOrEqual(3);
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    expect(c.statuses("retry")).toContain("CrashLoopBackOff");
    expect(c.statuses("retry")).toContain("Error");
  });

  it("OnFailure does not restart a container that exits 0", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("once", [container("busybox:1.28", { command: ["sh", "-c", "echo done"] })], { restartPolicy: "OnFailure" }));
    c.run(120);
    expect(c.pod("once").status?.phase).toBe("Succeeded");
    expect(c.logLines("once")).toEqual(["done"]);
  });
});

describe("image pulls", () => {
  it("nginx:1.161 fails: ErrImagePull, then ImagePullBackOff with growing back-off, never Ready", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("typo", [container("nginx:1.161")]));
    c.run(200);
    const p = c.pod("typo");
    expect(p.status?.phase).toBe("Pending");
    expect(c.observations.some((o) => o.ready === "1/1")).toBe(false);
    expect(c.statuses("typo").slice(0, 5)).toEqual(["ContainerCreating", "ErrImagePull", "ImagePullBackOff", "ErrImagePull", "ImagePullBackOff"]);
    // Each failed pull takes 0.8 s; the back-off counts from the failure: 10 s, 20 s, 40 s, 80 s.
    const pulls = c.events.filter((e) => e.reason === "Pulling").map((e) => e.at);
    const gaps = pulls.slice(1).map((t, i) => seconds(t - pulls[i] - 800));
    expect(gaps.slice(0, 4)).toEqual([10, 20, 40, 80]);
    const [cs] = p.status!.containerStatuses!;
    expect(cs).toMatchObject({ image: "nginx:1.161", imageID: "", ready: false, started: false, restartCount: 0 });
    expect(c.eventsFor("typo").slice(0, 7)).toEqual([
      'Normal Pulling: Pulling image "nginx:1.161"',
      'Warning Failed: Failed to pull image "nginx:1.161": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.161": failed to resolve reference "docker.io/library/nginx:1.161": docker.io/library/nginx:1.161: not found',
      "Warning Failed: Error: ErrImagePull",
      'Normal BackOff: Back-off pulling image "nginx:1.161"',
      "Warning Failed: Error: ImagePullBackOff",
      'Normal Pulling: Pulling image "nginx:1.161"',
      expect.stringMatching(/^Warning Failed: Failed to pull image/),
    ]);
    const states = c.observations.filter((o) => o.status === "ImagePullBackOff");
    expect(states.length).toBeGreaterThan(2);
    expect(c.pod("typo").status?.containerStatuses?.[0].state?.waiting).toMatchObject({ reason: "ImagePullBackOff", message: 'Back-off pulling image "nginx:1.161"' });
  });

  it("an image another pod on the node used is already present; Always pulls anyway", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("first", [container("nginx:1.14.2")]));
    c.run(60);
    c.put("pods", pod("second", [container("nginx:1.14.2")]));
    c.put("pods", pod("third", [container("nginx:1.14.2", { imagePullPolicy: "Always" })]));
    c.put("pods", pod("elsewhere", [container("nginx:1.14.2")], { node: "node-2" }));
    c.run(60);
    expect(c.eventsFor("second")[0]).toBe('Normal Pulled: Container image "nginx:1.14.2" already present on machine');
    expect(c.eventsFor("third")[0]).toBe('Normal Pulling: Pulling image "nginx:1.14.2"');
    expect(c.eventsFor("elsewhere")[0]).toBe('Normal Pulling: Pulling image "nginx:1.14.2"');
  });

  it("the image-pull annotation makes any image fail", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("forced", [container("nginx:1.14.2")], { annotations: { "kubeflare.dev/image-pull": "fail" } }));
    c.run(30);
    expect(c.statuses("forced")).toContain("ImagePullBackOff");
  });
});

describe("the pod sandbox", () => {
  it("gives two containers one IP and reports them sorted by name", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("two", [container("redis:7", { name: "zeta" }), container("nginx:1.14.2", { name: "alpha" })]));
    c.run(60);
    const p = c.pod("two");
    expect(p.status?.phase).toBe("Running");
    expect(p.status?.containerStatuses?.map((s) => s.name)).toEqual(["alpha", "zeta"]);
    expect(p.status?.containerStatuses?.every((s) => s.ready)).toBe(true);
    expect(p.status?.podIPs).toEqual([{ ip: "10.244.1.2" }]);
    expect(c.observations[c.observations.length - 1].ready).toBe("2/2");
    // Containers start in spec order, pulls one after another.
    expect(c.eventsFor("two").filter((e) => e.includes("Started"))).toEqual(["Normal Started: Started container zeta", "Normal Started: Started container alpha"]);
  });

  it("allocates the lowest free address per node and reuses it once a pod has finished", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("a", [container("nginx:1.14.2")]));
    c.run(30);
    c.put("pods", pod("b", [container("busybox:1.28", { command: ["sleep", "5"] })], { restartPolicy: "Never" }));
    c.put("pods", pod("other-node", [container("nginx:1.14.2")], { node: "node-2" }));
    c.run(2);
    expect(c.pod("b").status?.podIP).toBe("10.244.1.3");
    expect(c.pod("other-node").status?.podIP).toBe("10.244.2.2");
    c.run(60);
    expect(c.pod("b").status?.phase).toBe("Succeeded");
    c.put("pods", pod("c", [container("nginx:1.14.2")]));
    c.run(30);
    expect(c.pod("c").status?.podIP).toBe("10.244.1.3");
  });

  it("keeps the IP across restarts", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("crash", [container("busybox:1.28", { command: ["sh", "-c", "sleep 1; exit 1"] })]));
    c.run(120);
    expect(c.pod("crash").status?.containerStatuses?.[0].restartCount).toBeGreaterThan(2);
    expect(c.pod("crash").status?.podIP).toBe("10.244.1.2");
  });

  it("hostNetwork pods use the node's address", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("host", [container("nginx:1.14.2")], { spec: { hostNetwork: true } }));
    c.run(30);
    expect(c.pod("host").status?.podIP).toBe("172.18.0.2");
    expect(readRecord(c.get("pods", "default", "host")!)?.namespaces.network).toBe("NODE");
  });

  it("does nothing on a node whose kubelet is down", () => {
    const c = new Cluster(kubelet());
    const node = JSON.parse(JSON.stringify(c.get("nodes", "", "node-1")));
    node.status.conditions.find((x: { type: string }) => x.type === "Ready").status = "Unknown";
    c.put("nodes", node);
    c.put("pods", pod("stuck", [container("nginx:1.14.2")]));
    c.run(60);
    expect(c.pod("stuck").status?.phase).toBe("Pending");
    expect(c.pod("stuck").status?.containerStatuses).toBeUndefined();
    node.status.conditions.find((x: { type: string }) => x.type === "Ready").status = "True";
    c.put("nodes", node);
    c.run(60);
    expect(c.pod("stuck").status?.phase).toBe("Running");
  });
});

describe("init containers", () => {
  it("run in order, each to completion, before the app containers", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("init", [container("nginx:1.14.2", { name: "app" })], {
      initContainers: [
        container("busybox:1.28", { name: "first", command: ["sh", "-c", "echo first; sleep 3"] }),
        container("busybox:1.28", { name: "second", command: ["sh", "-c", "echo second; sleep 2"] }),
      ],
    }));
    c.run(60);
    const p = c.pod("init");
    expect(p.status?.phase).toBe("Running");
    expect(c.statuses("init")).toEqual(["Init:0/2", "Init:1/2", "PodInitializing", "Running"]);
    expect(c.eventsFor("init").filter((e) => e.includes("Started"))).toEqual([
      "Normal Started: Started container first", "Normal Started: Started container second", "Normal Started: Started container app",
    ]);
    expect(p.status?.initContainerStatuses?.map((s) => [s.name, s.ready, s.state?.terminated?.reason])).toEqual([
      ["first", true, "Completed"], ["second", true, "Completed"],
    ]);
    expect(condition(p, "Initialized")?.status).toBe("True");
    const firstDone = Date.parse(p.status!.initContainerStatuses![0].state!.terminated!.finishedAt!);
    const secondStart = Date.parse(p.status!.initContainerStatuses![1].state!.terminated!.startedAt!);
    expect(secondStart).toBeGreaterThanOrEqual(firstDone);
    expect(c.logLines("init", "first")).toEqual(["first"]);
  });

  it("a failing init container restarts (Init:Error, Init:CrashLoopBackOff) and holds the app back", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("initfail", [container("nginx:1.14.2", { name: "app" })], {
      initContainers: [container("busybox:1.28", { name: "setup", command: ["sh", "-c", "exit 1"] })],
    }));
    c.run(120);
    const statuses = c.statuses("initfail");
    expect(statuses).toContain("Init:Error");
    expect(statuses).toContain("Init:CrashLoopBackOff");
    expect(c.pod("initfail").status?.phase).toBe("Pending");
    expect(condition(c.pod("initfail"), "Initialized")).toMatchObject({ status: "False", reason: "ContainersNotInitialized", message: "containers with incomplete status: [setup]" });
    expect(c.eventsFor("initfail").some((e) => e.includes("Started container app"))).toBe(false);
  });

  it("with restartPolicy Never, a failing init container fails the pod", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("initnever", [container("nginx:1.14.2", { name: "app" })], {
      restartPolicy: "Never",
      initContainers: [container("busybox:1.28", { name: "setup", command: ["false"] })],
    }));
    c.run(60);
    expect(c.pod("initnever").status?.phase).toBe("Failed");
    expect(c.idle).toBe(true);
  });

  it("waits for a Service with `until nslookup` (the init containers tutorial)", () => {
    const c = new Cluster(kubelet());
    const wait = (svc: string) => ["sh", "-c", `until nslookup ${svc}.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for ${svc}; sleep 2; done`];
    c.put("pods", pod("myapp-pod", [container("busybox:1.28", { name: "myapp-container", command: ["sh", "-c", "echo The app is running! && sleep 3600"] })], {
      initContainers: [
        container("busybox:1.28", { name: "init-myservice", command: wait("myservice") }),
        container("busybox:1.28", { name: "init-mydb", command: wait("mydb") }),
      ],
    }));
    c.run(60);
    expect(c.observations[c.observations.length - 1].status).toBe("Init:0/2");
    expect(c.idle).toBe(true);
    c.put("services", { apiVersion: "v1", kind: "Service", metadata: { name: "myservice", namespace: "default" }, spec: { clusterIP: "10.96.0.20" } });
    c.run(60);
    expect(c.observations[c.observations.length - 1].status).toBe("Init:1/2");
    c.put("services", { apiVersion: "v1", kind: "Service", metadata: { name: "mydb", namespace: "default" }, spec: { clusterIP: "10.96.0.21" } });
    c.run(60);
    expect(c.pod("myapp-pod").status?.phase).toBe("Running");
    expect(c.logLines("myapp-pod", "myapp-container")).toEqual(["The app is running!"]);
    const initLog = c.logLines("myapp-pod", "init-myservice");
    expect(initLog).toContain("waiting for myservice");
    expect(initLog).toContain("Name:      myservice.default.svc.cluster.local");
  });
});

describe("probes", () => {
  const livenessPod = () =>
    pod("liveness-exec", [
      container("registry.k8s.io/busybox:1.27.2", {
        name: "liveness",
        args: ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
        livenessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3, successThreshold: 1, timeoutSeconds: 1 },
      }),
    ]);

  it("the docs' exec liveness example is killed after three failures and restarted", () => {
    const c = new Cluster(kubelet());
    c.put("pods", livenessPod());
    c.run(60);
    const p = c.pod("liveness-exec");
    const [cs] = p.status!.containerStatuses!;
    expect(cs.restartCount).toBe(1);
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 137, reason: "Error" });
    const events = c.eventsFor("liveness-exec");
    expect(events.filter((e) => e.startsWith("Warning Unhealthy"))).toEqual(Array(3).fill("Warning Unhealthy: Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"));
    expect(events).toContain("Normal Killing: Container liveness failed liveness probe, will be restarted");
    expect(events).toContain('Normal Pulled: Container image "registry.k8s.io/busybox:1.27.2" already present on machine');
    // Started at ~1.3 s; the file goes at 31.3 s; probes at 36.3, 41.3, 46.3 fail → killed at ~46 s.
    const killedAt = c.events.find((e) => e.reason === "Killing")!.at - START;
    expect(seconds(killedAt)).toBe(46.3);
    expect(p.status?.podIP).toBe("10.244.1.2");
  });

  it("keeps restarting the liveness example with back-off", () => {
    const c = new Cluster(kubelet());
    c.put("pods", livenessPod());
    c.run(400);
    const [cs] = c.pod("liveness-exec").status!.containerStatuses!;
    expect(cs.restartCount).toBeGreaterThanOrEqual(4);
    expect(c.statuses("liveness-exec")).toContain("CrashLoopBackOff");
  });

  it("HTTP liveness: agnhost liveness serves /healthz for 10 s, then 500", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("liveness-http", [container("registry.k8s.io/e2e-test-images/agnhost:2.40", {
      name: "liveness", args: ["liveness"],
      livenessProbe: { httpGet: { path: "/healthz", port: 8080, httpHeaders: [{ name: "Custom-Header", value: "Awesome" }] }, initialDelaySeconds: 3, periodSeconds: 3 },
    })]));
    c.run(30);
    expect(c.eventsFor("liveness-http")).toContain("Warning Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500");
    expect(c.pod("liveness-http").status?.containerStatuses?.[0].restartCount).toBeGreaterThanOrEqual(1);
    expect(c.pod("liveness-http").status?.containerStatuses?.[0].lastState?.terminated?.exitCode).toBe(0);
  });

  it("a readiness probe gates Ready until its first success", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("gated", [container("nginx:1.14.2", {
      readinessProbe: { httpGet: { path: "/", port: 80 }, initialDelaySeconds: 5, periodSeconds: 10 },
    })]));
    c.run(60);
    const ready = c.observations.filter((o) => o.pod === "gated").map((o) => `${seconds(o.at)} ${o.ready} ${o.status}`);
    expect(ready).toEqual(["0 0/1 ContainerCreating", "0.3 0/1 ContainerCreating", "1.3 0/1 Running", "6.3 1/1 Running"]);
    expect(c.idle).toBe(true);
  });

  it("kubeflare.dev/ready=false keeps the pod Running but never Ready, with one Unhealthy event and no timer", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("unready", [container("nginx:1.14.2", { readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 5 } })], {
      annotations: { "kubeflare.dev/ready": "false" },
    }));
    c.run(600);
    expect(c.idle).toBe(true);
    const p = c.pod("unready");
    expect(p.status?.phase).toBe("Running");
    expect(condition(p, "Ready")).toMatchObject({ status: "False", reason: "ContainersNotReady", message: "containers with unready status: [nginx]" });
    expect(c.eventsFor("unready").filter((e) => e.includes("Unhealthy"))).toEqual(["Warning Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503"]);
  });

  it("a probe on a port nothing listens on is refused", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("refused", [container("busybox:1.28", { command: ["sleep", "3600"], readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 10 } })]));
    c.run(60);
    expect(c.eventsFor("refused")).toContain("Warning Unhealthy: Readiness probe failed: dial tcp 10.244.1.2:8080: connect: connection refused");
  });

  it("readiness is lost after failureThreshold failures once the app turns unhealthy", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("sick", [container("nginx:1.14.2", { readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 5, failureThreshold: 2 } })], {
      annotations: { "kubeflare.dev/healthy-seconds": "20" },
    }));
    c.run(60);
    const readiness = c.observations.map((o) => o.ready);
    expect(readiness).toContain("1/1");
    expect(readiness[readiness.length - 1]).toBe("0/1");
    expect(c.eventsFor("sick").filter((e) => e.includes("Unhealthy"))).toContain("Warning Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 500");
  });

  it("a startup probe holds liveness and readiness until it passes", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("slow", [container("nginx:1.14.2", {
      startupProbe: { exec: { command: ["cat", "/tmp/started"] }, periodSeconds: 2, failureThreshold: 30 },
      command: ["sh", "-c", "sleep 7; touch /tmp/started; nginx -g 'daemon off;'"],
    })]));
    c.run(60);
    const obs = c.observations.map((o) => `${seconds(o.at)} ${o.ready}`);
    expect(obs[obs.length - 1]).toBe("9.3 1/1");
    const [cs] = c.pod("slow").status!.containerStatuses!;
    expect(cs.started).toBe(true);
  });
});

describe("graceful deletion", () => {
  it("stops the containers, posts the terminal status, then deletes with grace 0", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("nginx", [container("nginx:1.14.2")]));
    c.run(30);
    const uid = c.get("pods", "default", "nginx")!.metadata.uid;
    c.deletePod("nginx");
    c.run(30);
    expect(c.get("pods", "default", "nginx")).toBeUndefined();
    expect(c.deletes).toEqual([{ op: "delete", resource: "pods", namespace: "default", name: "nginx", uid, gracePeriodSeconds: 0 }]);
    expect(c.eventsFor("nginx")).toContain("Normal Killing: Stopping container nginx");
    const last = c.observations[c.observations.length - 1];
    expect(last.status).toBe("Completed");
    expect(last.phase).toBe("Succeeded");
    expect(c.idle).toBe(true);
  });

  it("waits out the grace period for a process that ignores SIGTERM", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("stubborn", [container("busybox:1.28", { command: ["sleep", "3600"] })], { annotations: { "kubeflare.dev/ignore-sigterm": "true" } }));
    c.run(30);
    const t0 = c.now;
    c.deletePod("stubborn", 10);
    c.run(60);
    expect(c.get("pods", "default", "stubborn")).toBeUndefined();
    expect(c.observations[c.observations.length - 1].at + START - t0).toBe(10_000);
    expect(c.observations[c.observations.length - 1].phase).toBe("Failed");
  });

  it("deletes a pending pod at once and a finished one too", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("pending", [container("nginx:1.161")]));
    c.put("pods", pod("done", [container("busybox:1.28", { command: ["true"] })], { restartPolicy: "Never" }));
    c.run(30);
    c.deletePod("pending");
    c.deletePod("done");
    c.run(5);
    expect(c.get("pods", "default", "pending")).toBeUndefined();
    expect(c.get("pods", "default", "done")).toBeUndefined();
  });
});

describe("logs", () => {
  it("the CronJob example prints the date and a greeting, timestamped when printed", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("hello", [container("busybox:1.28", { name: "hello", command: ["/bin/sh", "-c", "date; echo Hello from the Kubernetes cluster"] })], { restartPolicy: "OnFailure" }));
    c.run(30);
    expect(c.logLines("hello")).toEqual(["Wed May  1 10:00:01 UTC 2024", "Hello from the Kubernetes cluster"]);
    expect(c.logs[0]).toMatchObject({ namespace: "default", pod: "hello", container: "hello", restart: 0 });
    expect(c.logs[0].lines[0].time).toBe("2024-05-01T10:00:01.300Z");
  });

  it("the counter example's lines are handed over with each status write and at the end", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("counter", [container("busybox:1.28", { name: "count", args: ["/bin/sh", "-c", 'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done'] })]));
    c.run(30);
    expect(c.logLines("counter")).toEqual(["0: Wed May  1 10:00:01 UTC 2024"]);
    c.advance(10);
    c.deletePod("counter");
    c.run(30);
    const lines = c.logLines("counter");
    expect(lines.length).toBeGreaterThanOrEqual(11);
    expect(lines.slice(0, 3)).toEqual(["0: Wed May  1 10:00:01 UTC 2024", "1: Wed May  1 10:00:02 UTC 2024", "2: Wed May  1 10:00:03 UTC 2024"]);
  });

  it("what a running container printed since the last hand-over is available without a timer", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("counter", [container("busybox:1.28", { name: "count", args: ["/bin/sh", "-c", 'i=0; while true; do echo "$i"; i=$((i+1)); sleep 1; done'] })]));
    c.run(10);
    expect(c.idle).toBe(true);
    const pending = unflushedLogLines(c.get("pods", "default", "counter")!, "count", c.snapshot(), c.now, DEFAULT_SETTINGS);
    expect(pending?.restart).toBe(0);
    expect(pending?.lines.map((l) => l.text)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
    expect(pending?.lines[0].time).toBe("2024-05-01T10:00:02.300Z");
  });

  it("the perl Job prints 2000 digits of pi after a few seconds", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("pi", [container("perl:5.34.0", { name: "pi", command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"] })], { restartPolicy: "Never" }));
    c.run(120);
    const p = c.pod("pi");
    expect(p.status?.phase).toBe("Succeeded");
    const [line] = c.logLines("pi");
    expect(line).toHaveLength(2001);
    expect(line.startsWith("3.14159265358979323846264338327950288419716939937510")).toBe(true);
    const t = p.status!.containerStatuses![0].state!.terminated!;
    expect((Date.parse(t.finishedAt!) - Date.parse(t.startedAt!)) / 1000).toBe(10);
  });

  it("per restart: each instance's lines carry its restart number", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("echoer", [container("busybox:1.28", { command: ["sh", "-c", "echo hi; sleep 1; exit 2"] })]));
    c.run(30);
    expect(c.logs.map((l) => l.restart).slice(0, 3)).toEqual([0, 1, 2]);
  });
});

describe("more upstream behaviour", () => {
  const kubernetesService = { apiVersion: "v1", kind: "Service", metadata: { name: "kubernetes", namespace: "default", creationTimestamp: "2024-05-01T09:00:00Z" }, spec: { clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443, protocol: "TCP" }] } };

  it("Define a Command and Arguments: printenv prints every variable it is given, Service links included", () => {
    const c = new Cluster(kubelet());
    c.put("services", kubernetesService);
    c.put("pods", pod("command-demo", [container("debian", { command: ["printenv"], args: ["HOSTNAME", "KUBERNETES_PORT"] })], { spec: { restartPolicy: "OnFailure" } }));
    c.run(30);
    expect(c.logLines("command-demo")).toEqual(["command-demo", "tcp://10.96.0.1:443"]);
  });

  it("env | sort lists the container's environment in order, with the Services there when it started", () => {
    const c = new Cluster(kubelet());
    c.put("services", kubernetesService);
    c.put("pods", pod("envs", [container("busybox:1.28", { command: ["sh", "-c", "env | sort"], env: [{ name: "GREETING", value: "hello" }] })], { spec: { restartPolicy: "Never" } }));
    c.run(30);
    const lines = c.logLines("envs");
    expect(lines).toEqual([...lines].sort());
    expect(lines).toEqual(expect.arrayContaining(["GREETING=hello", "HOSTNAME=envs", "KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1", "KUBERNETES_SERVICE_PORT_HTTPS=443"]));
  });

  it("a missing ConfigMap blocks the container (CreateContainerConfigError) until it appears", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("cfg", [container("busybox:1.28", {
      command: ["/bin/sh", "-c", "echo $(SPECIAL_LEVEL_KEY); sleep 3600"],
      env: [{ name: "SPECIAL_LEVEL_KEY", valueFrom: { configMapKeyRef: { name: "special-config", key: "special.how" } } }],
    })]));
    c.run(30);
    expect(c.statuses("cfg")).toEqual(["ContainerCreating", "CreateContainerConfigError"]);
    expect(c.pod("cfg").status?.containerStatuses?.[0].state?.waiting).toEqual({ reason: "CreateContainerConfigError", message: 'configmap "special-config" not found' });
    expect(c.idle).toBe(true);
    c.put("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "special-config", namespace: "default" }, data: { "special.how": "very" } });
    c.run(30);
    expect(c.pod("cfg").status?.phase).toBe("Running");
    expect(c.logLines("cfg")).toEqual(["very"]);
  });

  it("activeDeadlineSeconds fails the pod with DeadlineExceeded", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("deadline", [container("busybox:1.28", { command: ["sleep", "3600"] })], { spec: { activeDeadlineSeconds: 20 } }));
    c.run(120);
    const p = c.pod("deadline");
    expect(p.status).toMatchObject({ phase: "Failed", reason: "DeadlineExceeded", message: "Pod was active on the node longer than the specified deadline" });
    expect(c.eventsFor("deadline")).toContain("Warning DeadlineExceeded: Pod was active on the node longer than the specified deadline");
    expect(c.idle).toBe(true);
  });

  it("a container over its memory limit is OOMKilled, then crash-loops (the memory resources tutorial)", () => {
    const c = new Cluster(kubelet());
    const stress = (name: string, bytes: string, limit: string) =>
      pod(name, [container("polinux/stress", {
        name: "memory-demo-ctr",
        command: ["stress"],
        args: ["--vm", "1", "--vm-bytes", bytes, "--vm-hang", "1"],
        resources: { requests: { memory: "50Mi" }, limits: { memory: limit } },
      })], { namespace: "mem-example" });
    c.put("pods", stress("memory-demo", "150M", "200Mi"));
    c.put("pods", stress("memory-demo-2", "250M", "100Mi"));
    c.run(120);
    expect(c.pod("memory-demo", "mem-example").status?.phase).toBe("Running");
    expect(c.statuses("memory-demo-2").slice(0, 4)).toEqual(["ContainerCreating", "Running", "OOMKilled", "Running"]);
    expect(c.statuses("memory-demo-2")).toContain("CrashLoopBackOff");
    const [cs] = c.pod("memory-demo-2", "mem-example").status!.containerStatuses!;
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 137, reason: "OOMKilled" });
  });

  it("memory that grows (kubeflare.dev/memory-growth) is OOMKilled when it reaches the limit, and starts again from its base", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("leaky", [container("nginx", { name: "app", resources: { limits: { memory: "64Mi" } } })], {
      annotations: { "kubeflare.dev/memory": "50Mi", "kubeflare.dev/memory-growth": "1Mi" },
    }));
    c.run(200);
    // 50Mi + 1Mi/s passes 64Mi after 14 s of running: killed then, restarted under the back-off.
    const killed = c.observations.filter((o) => o.pod === "leaky" && o.status === "OOMKilled");
    expect(killed.length).toBeGreaterThan(1);
    const started = Date.parse(c.pod("leaky").status!.containerStatuses![0].lastState!.terminated!.startedAt!);
    const finished = Date.parse(c.pod("leaky").status!.containerStatuses![0].lastState!.terminated!.finishedAt!);
    expect((finished - started) / 1000).toBeCloseTo(14, 0);
    expect(c.pod("leaky").status!.containerStatuses![0].lastState!.terminated).toMatchObject({ exitCode: 137, reason: "OOMKilled" });
    expect(c.statuses("leaky")).toContain("CrashLoopBackOff");
  });

  it("memory that grows without a limit is never OOMKilled", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("unbounded", [container("nginx", { name: "app" })], { annotations: { "kubeflare.dev/memory-growth": "100Mi" } }));
    c.run(600);
    expect(c.pod("unbounded").status?.containerStatuses?.[0]).toMatchObject({ restartCount: 0, state: { running: {} } });
  });

  it("editing a pod's image restarts the container with the new one", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("fixme", [container("nginx:1.161", { name: "nginx" })]));
    c.run(30);
    expect(c.statuses("fixme")).toContain("ImagePullBackOff");
    const fixed = JSON.parse(JSON.stringify(c.get("pods", "default", "fixme")));
    fixed.spec.containers[0].image = "nginx:1.16.1";
    c.put("pods", fixed);
    c.run(30);
    const p = c.pod("fixme");
    expect(p.status?.phase).toBe("Running");
    expect(p.status?.containerStatuses?.[0]).toMatchObject({ image: "docker.io/library/nginx:1.16.1", ready: true, restartCount: 0 });
    const upgraded = JSON.parse(JSON.stringify(c.get("pods", "default", "fixme")));
    upgraded.spec.containers[0].image = "nginx:1.25";
    c.put("pods", upgraded);
    c.run(30);
    expect(c.eventsFor("fixme")).toContain("Normal Killing: Container nginx definition changed, will be restarted");
    expect(c.pod("fixme").status?.containerStatuses?.[0]).toMatchObject({ image: "docker.io/library/nginx:1.25", ready: true, restartCount: 1 });
  });

  it("rebuilds a lost runtime record from the status (a user's replace dropped the annotation)", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("keep", [container("busybox:1.28", { command: ["sh", "-c", "sleep 1; exit 1"] })]));
    c.run(60);
    const before = c.pod("keep").status!;
    const replaced = JSON.parse(JSON.stringify(c.get("pods", "default", "keep")));
    delete replaced.metadata.annotations;
    replaced.metadata.labels = { app: "keep" };
    c.put("pods", replaced);
    c.run(120);
    const after = c.pod("keep").status!;
    expect(after.podIP).toBe(before.podIP);
    expect(after.containerStatuses![0].restartCount).toBeGreaterThan(before.containerStatuses![0].restartCount);
    expect(readRecord(c.get("pods", "default", "keep")!)?.ip).toBe(before.podIP);
  });

  it("lists sandboxes and containers like crictl", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("a", [container("nginx:1.14.2")]));
    c.put("pods", pod("b", [container("busybox:1.28", { command: ["sh", "-c", "sleep 1; exit 2"] })]));
    c.run(20);
    const view = runtimeView(c.snapshot().podsOnNode("node-1"));
    expect(view.pods.map((p) => [p.name, p.state])).toEqual([["a", "SANDBOX_READY"], ["b", "SANDBOX_READY"]]);
    const b = view.containers.filter((x) => x.pod === "b");
    expect(b[0]).toMatchObject({ name: "busybox", state: "CONTAINER_EXITED", exitCode: 2, image: "docker.io/library/busybox:1.28" });
    expect(b.map((x) => x.attempt)).toEqual([...b.map((x) => x.attempt)].sort((x, y) => y - x));
    expect(view.containers.find((x) => x.pod === "a")).toMatchObject({ state: "CONTAINER_RUNNING", attempt: 0 });
  });

  it("the fast profile scales every delay", () => {
    const c = new Cluster(createKubelet(FAST_SETTINGS));
    c.put("pods", pod("quick", [container("busybox:1.28", { command: ["sleep", "50"] })], { restartPolicy: "Never" }));
    c.run(10);
    expect(c.pod("quick").status?.phase).toBe("Succeeded");
    // 0.01 s sandbox + 0.02 s pull + 0.01 s start + 50 s × 0.02.
    expect(c.observations[c.observations.length - 1].at).toBe(1040);
  });

  it("keeps the scheduler's PodScheduled condition and others' conditions", () => {
    const c = new Cluster(kubelet());
    const p = pod("gates", [container("nginx:1.14.2")], { spec: { readinessGates: [{ conditionType: "example.com/feature" }] } });
    c.put("pods", p);
    c.run(30);
    expect(condition(c.pod("gates"), "PodScheduled")?.lastTransitionTime).toBe("2024-05-01T10:00:00Z");
    expect(condition(c.pod("gates"), "Ready")).toMatchObject({ status: "False", reason: "ReadinessGatesNotReady" });
    const next = JSON.parse(JSON.stringify(c.get("pods", "default", "gates")));
    next.status.conditions.push({ type: "example.com/feature", status: "True" });
    c.put("pods", next);
    c.run(30);
    expect(condition(c.pod("gates"), "Ready")?.status).toBe("True");
    expect(c.pod("gates").status?.conditions?.[0].type).toBe("example.com/feature");
  });

  it("a sidecar (restartable init container) starts before the app and keeps running", () => {
    const c = new Cluster(kubelet());
    c.put("pods", pod("sidecar", [container("busybox:1.28", { name: "app", command: ["sh", "-c", "sleep 10"] })], {
      restartPolicy: "Never",
      initContainers: [container("busybox:1.28", { name: "logshipper", restartPolicy: "Always", command: ["sh", "-c", "tail -F /opt/logs.txt"] })],
    }));
    c.run(5);
    expect(c.observations[c.observations.length - 1].ready).toBe("2/2");
    c.run(60);
    expect(c.pod("sidecar").status?.phase).toBe("Succeeded");
    expect(c.eventsFor("sidecar")).toContain("Normal Killing: Stopping container logshipper");
  });
});
