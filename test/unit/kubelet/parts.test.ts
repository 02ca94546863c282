/** The kubelet's small pure parts: image rules, back-off arithmetic, IP allocation, formats, probes, keys. */
import { describe, expect, it } from "vitest";
import type { KObject } from "../../../src/api/types";
import { createKubelet } from "../../../src/sim/kubelet";
import { type BackoffEntry, isInBackOffSince, kubeletBackoff, nextBackoff } from "../../../src/sim/kubelet/backoff";
import { containerBehaviour } from "../../../src/sim/kubelet/behaviour";
import { imageID, parseImage, pullVerdict } from "../../../src/sim/kubelet/images";
import { allocateIP, podIPsInUse } from "../../../src/sim/kubelet/ip";
import { probeTimeline } from "../../../src/sim/kubelet/probes";
import { parseScript, ShellSyntaxError } from "../../../src/sim/kubelet/shell";
import { dateOutput, goDuration, rfc3339 } from "../../../src/sim/kubelet/time";
import { DEFAULT_SETTINGS } from "../../../src/sim/settings";
import { container, pod } from "./fixtures";
import { Cluster } from "./harness";

describe("image references", () => {
  it.each([
    { spec: "nginx", normalized: "docker.io/library/nginx:latest" },
    { spec: "nginx:1.14.2", normalized: "docker.io/library/nginx:1.14.2" },
    { spec: "bitnami/kubectl:1.30", normalized: "docker.io/bitnami/kubectl:1.30" },
    { spec: "registry.k8s.io/hpa-example", normalized: "registry.k8s.io/hpa-example:latest" },
    { spec: "localhost:5000/app:dev", normalized: "localhost:5000/app:dev" },
    { spec: "nginx@sha256:abc", normalized: "docker.io/library/nginx@sha256:abc" },
  ])("$spec → $normalized", ({ spec, normalized }) => {
    expect(parseImage(spec).normalized).toBe(normalized);
  });

  it("derives a stable digest per image", () => {
    expect(imageID(parseImage("nginx:1.14.2"))).toBe(imageID(parseImage("docker.io/library/nginx:1.14.2")));
    expect(imageID(parseImage("nginx:1.14.2"))).not.toBe(imageID(parseImage("nginx:1.16.1")));
    expect(imageID(parseImage("nginx@sha256:abc"))).toBe("docker.io/library/nginx@sha256:abc");
  });

  it.each([
    ["nginx", true], ["nginx:1.14.2", true], ["nginx:1.16.1", true], ["nginx:1.7.9", true], ["nginx:1.25", true],
    ["nginx:1.25-alpine", true], ["nginx:stable-alpine", true], ["nginx:mainline", true], ["nginx:1", true],
    ["nginx:1.161", false], ["nginx:1.14.200", false], ["nginx:2.0", false], ["nginx:lates", false], ["nginx:1.14.2-", false],
    ["busybox:1.28", true], ["busybox:1.36.1-musl", true], ["busybox:1.99", false],
    ["python:3.12-slim-bookworm", true], ["python:3.99", false], ["node:20-alpine", true], ["node:lts", true],
    ["postgres:16", true], ["mysql:8.0", true], ["mysql:8.9", false], ["ubuntu:22.04", true], ["debian:bookworm", true],
    ["perl:5.34.0", true], ["redis:7.2-alpine", true], ["httpd:2.4", true], ["alpine:3.19", true], ["alpine:3.50", false],
    ["ngnix", false], ["busyboxx:1.28", false], ["registry.k8s.io/pause:3.10", true], ["registry.k8s.io/pause:banana", false],
    ["registry.k8s.io/e2e-test-images/agnhost:2.40", true], ["mycompany/whatever:anything", true], ["nginx@sha256:deadbeef", true],
    ["gcr.io/google-samples/kubernetes-bootcamp:v1", true], ["docker.io/jocatalin/kubernetes-bootcamp:v2", true],
    ["gcr.io/google-samples/kubernetes-bootcamp:v10", false],
  ])("pulling %s succeeds: %s", (spec, ok) => {
    expect(pullVerdict(parseImage(spec as string)).ok).toBe(ok);
  });
});

describe("back-off (flowcontrol.Backoff, 10 s doubling to 300 s)", () => {
  const policy = kubeletBackoff(1);
  it("doubles from 10 s to the 5 min cap", () => {
    let entry: BackoffEntry | undefined;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      entry = nextBackoff(entry, i * 1000, policy);
      delays.push(entry.delayMs / 1000);
    }
    expect(delays).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it("starts over once untouched for twice the cap", () => {
    const entry = { delayMs: 160_000, updatedAt: 0 };
    expect(nextBackoff(entry, 600_000, policy).delayMs).toBe(300_000);
    expect(nextBackoff(entry, 600_001, policy).delayMs).toBe(10_000);
  });

  it.each([
    { what: "no entry", entry: undefined, exit: 0, now: 1000, inBackOff: false },
    { what: "within the delay since the exit", entry: { delayMs: 10_000, updatedAt: 0 }, exit: 5000, now: 14_000, inBackOff: true },
    { what: "past the delay", entry: { delayMs: 10_000, updatedAt: 0 }, exit: 5000, now: 15_000, inBackOff: false },
    { what: "expired entry", entry: { delayMs: 10_000, updatedAt: 0 }, exit: 700_000, now: 700_500, inBackOff: false },
  ])("$what → $inBackOff", ({ entry, exit, now, inBackOff }) => {
    expect(isInBackOffSince(entry, exit, now, policy)).toBe(inBackOff);
  });

  it("scales with the profile", () => {
    expect(kubeletBackoff(0.02)).toEqual({ initialMs: 200, maxMs: 6000 });
  });
});

describe("pod IP allocation", () => {
  it.each([
    { cidr: "10.244.1.0/24", used: [], ip: "10.244.1.2" },
    { cidr: "10.244.1.0/24", used: ["10.244.1.2", "10.244.1.4"], ip: "10.244.1.3" },
    { cidr: "10.244.1.0/24", used: ["10.244.1.2", "10.244.1.3"], ip: "10.244.1.4" },
    { cidr: "10.244.0.0/16", used: [], ip: "10.244.0.2" },
    { cidr: "10.244.1.0/30", used: [], ip: "10.244.1.2" },
    { cidr: "10.244.1.0/30", used: ["10.244.1.2"], ip: undefined },
    { cidr: "10.244.1.0/29", used: ["10.244.1.2", "10.244.1.3", "10.244.1.4", "10.244.1.5", "10.244.1.6"], ip: undefined },
  ])("$cidr with $used → $ip", ({ cidr, used, ip }) => {
    expect(allocateIP(cidr, used)).toBe(ip);
  });

  it("counts only live pods on the node, not finished or host-network ones", () => {
    const p = (name: string, status: object, spec: object = {}) => ({ metadata: { name, uid: name }, spec, status }) as KObject;
    const pods = [
      p("running", { phase: "Running", podIP: "10.244.1.2" }),
      p("done", { phase: "Succeeded", podIP: "10.244.1.3" }),
      p("host", { phase: "Running", podIP: "172.18.0.2" }, { hostNetwork: true }),
      p("self", { phase: "Running", podIP: "10.244.1.9" }),
      { metadata: { name: "creating", uid: "creating", annotations: { "kubeflare.dev/sandbox": JSON.stringify({ ip: "10.244.1.5" }) } }, spec: {}, status: { phase: "Pending" } } as KObject,
    ];
    expect(podIPsInUse(pods, "self")).toEqual(["10.244.1.2", "10.244.1.5"]);
  });
});

describe("formats", () => {
  it.each([
    [0, "0s"], [800, "800ms"], [20, "20ms"], [1200, "1.2s"], [10_000, "10s"], [80_000, "1m20s"], [160_000, "2m40s"], [300_000, "5m0s"], [3_600_000, "1h0m0s"],
  ])("goDuration(%d) = %s", (ms, text) => {
    expect(goDuration(ms)).toBe(text);
  });

  it("prints dates as busybox date does", () => {
    expect(dateOutput(Date.UTC(2024, 4, 1, 10, 0, 0))).toBe("Wed May  1 10:00:00 UTC 2024");
    expect(dateOutput(Date.UTC(2019, 1, 22, 11, 2, 9))).toBe("Fri Feb 22 11:02:09 UTC 2019");
  });

  it("serializes API times with whole seconds", () => {
    expect(rfc3339(Date.UTC(2024, 4, 1, 10, 0, 1, 999))).toBe("2024-05-01T10:00:01Z");
  });
});

describe("the sh subset", () => {
  it.each([
    "echo hi", "a=1; b=$((a+1)); echo $b", "while true; do sleep 1; done", "until nslookup x; do sleep 2; done",
    "for i in 1 2 3; do echo $i; done", "if [ -f x ]; then echo y; elif true; then :; else exit 1; fi", "{ echo a; echo b; } | wc -l",
    "(cd /tmp && ls)", "echo \"$(date) - ${HOSTNAME:-none}\" >> /tmp/log 2>&1", "nginx &\nsleep 5", "echo 'single $quoted'",
  ])("parses %s", (script) => {
    expect(() => parseScript(script)).not.toThrow();
  });

  it.each(["case x in a) ;; esac", "echo \"unterminated", "while true; do echo", "fi"])("rejects %s", (script) => {
    expect(() => parseScript(script)).toThrow(ShellSyntaxError);
  });
});

describe("probe timelines", () => {
  const at = (s: number) => 1000 * s;
  const liveness = container("busybox", {
    args: ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
    livenessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, initialDelaySeconds: 5, periodSeconds: 5 },
  });

  it("liveness: three failures after the file goes, the third kills", () => {
    const t = probeTimeline({ container: liveness, behaviour: containerBehaviour(liveness), podIP: "10.244.1.2", startMs: 0, exitMs: at(630), secondMs: 1000 });
    expect(t.kill?.probe).toBe("liveness");
    expect(t.kill?.failures.map((f) => f.at / 1000)).toEqual([35, 40, 45]);
    expect(t.kill?.at).toBe(at(45));
  });

  it("readiness: successThreshold successes before ready, failureThreshold failures before unready", () => {
    const c = container("nginx", { readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 10, successThreshold: 2, failureThreshold: 3 } });
    const b = { ...containerBehaviour(c), healthySeconds: 100 };
    const t = probeTimeline({ container: c, behaviour: b, podIP: "10.244.1.2", startMs: 0, secondMs: 1000 });
    expect(t.readiness).toEqual([
      { at: at(10), ready: true },
      { at: at(130), ready: false, message: "HTTP probe failed with statuscode: 500" },
    ]);
    expect(t.firstReadinessFailure).toEqual({ at: at(110), message: "HTTP probe failed with statuscode: 500" });
  });

  it("startup: liveness and readiness wait for it", () => {
    const c = container("nginx", {
      command: ["sh", "-c", "sleep 12; touch /tmp/up; nginx -g 'daemon off;'"],
      startupProbe: { exec: { command: ["cat", "/tmp/up"] }, periodSeconds: 5, failureThreshold: 10 },
      readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
    });
    const t = probeTimeline({ container: c, behaviour: containerBehaviour(c), podIP: "10.244.1.2", startMs: 0, secondMs: 1000 });
    expect(t.startedAt).toBe(at(15));
    expect(t.readiness).toEqual([{ at: at(15), ready: true }]);
  });

  it("startup: killed after failureThreshold failures", () => {
    const c = container("nginx", { startupProbe: { httpGet: { path: "/healthz", port: 80 }, periodSeconds: 10, failureThreshold: 3 } });
    const t = probeTimeline({ container: c, behaviour: containerBehaviour(c), podIP: "10.244.1.2", startMs: 0, secondMs: 1000 });
    expect(t.kill).toMatchObject({ probe: "startup", at: at(20) });
    expect(t.kill?.failures[0].message).toBe("HTTP probe failed with statuscode: 404");
  });
});

describe("keysFor", () => {
  const kubelet = createKubelet(DEFAULT_SETTINGS);
  const c = new Cluster(kubelet);
  const bound = pod("web", [container("nginx:1.14.2")]);
  const unbound = pod("pending", [container("nginx:1.14.2")], { spec: { nodeName: undefined } });

  it("reconciles bound pods, not pending ones", () => {
    expect(kubelet.keysFor({ type: "ADDED", resource: "pods", object: bound }, c.snapshot())).toEqual(["default/web"]);
    expect(kubelet.keysFor({ type: "ADDED", resource: "pods", object: unbound }, c.snapshot())).toEqual([]);
    expect(kubelet.keysFor({ type: "DELETED", resource: "pods", object: bound }, c.snapshot())).toEqual([]);
  });

  it("ignores its own status writes but not deletion or spec changes", () => {
    const record = (ip?: string) => JSON.stringify({ id: "abc", containers: [], ip });
    const withRecord = { ...bound, metadata: { ...bound.metadata, annotations: { "kubeflare.dev/sandbox": record() } }, status: { phase: "Running" } };
    const deleted = { ...withRecord, metadata: { ...withRecord.metadata, deletionTimestamp: "2024-05-01T10:01:00Z" } };
    const later = { ...withRecord, metadata: { ...withRecord.metadata, annotations: { "kubeflare.dev/sandbox": record("10.244.1.2") } }, status: { phase: "Running", podIP: "10.244.1.2" } };
    expect(kubelet.keysFor({ type: "MODIFIED", resource: "pods", object: later, previous: withRecord }, c.snapshot())).toEqual([]);
    expect(kubelet.keysFor({ type: "MODIFIED", resource: "pods", object: deleted, previous: withRecord }, c.snapshot())).toEqual(["default/web"]);
  });

  it("wakes the pods of a node whose kubelet comes back", () => {
    c.put("pods", bound);
    const node = c.get("nodes", "", "node-1")!;
    const down = JSON.parse(JSON.stringify(node));
    down.status.conditions.find((x: { type: string }) => x.type === "Ready").status = "Unknown";
    expect(kubelet.keysFor({ type: "MODIFIED", resource: "nodes", object: node, previous: down }, c.snapshot())).toEqual(["default/web"]);
    expect(kubelet.keysFor({ type: "MODIFIED", resource: "nodes", object: node, previous: node }, c.snapshot())).toEqual([]);
  });
});
