/**
 * Probes as the kubelet's prober workers run them, computed instead of executed: a probe's outcome
 * over a container's life is piecewise constant (a file appears and disappears, a server stops
 * answering after N seconds), so each probe kind reduces to a short list of times — when the
 * container counts as started, when liveness kills it, when readiness flips.
 *
 * Upstream semantics followed: ticks every periodSeconds from initialDelaySeconds after start;
 * liveness and readiness only run once the startup probe (if any) has succeeded; a readiness result
 * starts as failure (ready only after successThreshold successes), liveness needs failureThreshold
 * consecutive failures to kill; startup succeeds on the first success and kills after
 * failureThreshold failures.
 */
import type { Container, Probe } from "kubernetes-types/core/v1";
import type { Behaviour } from "./behaviour";
import { parseScript, plainText } from "./shell";

export type ProbeKind = "startup" | "liveness" | "readiness";

export interface Outcome {
  ok: boolean;
  message: string;
}

/** From `from` seconds after start (until the next segment), probes of this kind give `outcome`. */
interface Segment {
  from: number;
  outcome: Outcome;
}

export interface ProbeFailure {
  at: number;
  message: string;
}

export interface ProbeTimeline {
  /** When the container counts as started (startup probe passed); undefined: not within its life. */
  startedAt?: number;
  /** A failed startup or liveness probe that gets the container killed, with the failures leading to it. */
  kill?: { at: number; probe: "startup" | "liveness"; failures: ProbeFailure[] };
  /** Readiness flips in time order; ready is false before the first. */
  readiness: { at: number; ready: boolean; message?: string }[];
  /** The first failed readiness probe, if any. */
  firstReadinessFailure?: ProbeFailure;
}

const OK: Outcome = { ok: true, message: "" };

/** The probe of `kind` on `container`, if declared. */
export function probeOf(container: Container, kind: ProbeKind): Probe | undefined {
  if (kind === "startup") return container.startupProbe;
  if (kind === "liveness") return container.livenessProbe;
  return container.readinessProbe;
}

/** Whether the container listens on `port` (a number or the name of a declared port). */
function listens(container: Container, behaviour: Behaviour, port: number | string | undefined): boolean {
  const number = typeof port === "string" && !/^\d+$/.test(port) ? container.ports?.find((p) => p.name === port)?.containerPort : Number(port);
  if (behaviour.listens === "declared") return true;
  return number !== undefined && behaviour.listens.includes(number);
}

function portNumber(container: Container, port: number | string | undefined): string {
  if (typeof port === "string" && !/^\d+$/.test(port)) return String(container.ports?.find((p) => p.name === port)?.containerPort ?? port);
  return String(port);
}

/** The file an exec probe checks (`cat F`, `test -e F`, `[ -f F ]`, `ls F`, `stat F`), and how its failure reads. */
function execFileCheck(command: readonly string[], busybox: boolean): { path: string; message: string } | undefined {
  let argv = [...command];
  const shell = /(^|\/)(ba|a|da)?sh$/.test(argv[0] ?? "") ? argv.findIndex((a) => /^-[a-z]*c$/.test(a)) : -1;
  if (shell > 0 && argv[shell + 1]) {
    try {
      const script = parseScript(argv[shell + 1]);
      const cmd = script[0]?.first.commands[0];
      if (cmd?.kind !== "simple") return undefined;
      argv = cmd.words.map((w) => plainText(w) ?? "");
    } catch {
      return undefined;
    }
  }
  const tool = (argv[0] ?? "").slice((argv[0] ?? "").lastIndexOf("/") + 1);
  const path = argv.slice(1).find((a) => a.startsWith("/"));
  if (!path) return undefined;
  switch (tool) {
    case "cat":
      return { path, message: busybox ? `cat: can't open '${path}': No such file or directory` : `cat: ${path}: No such file or directory` };
    case "ls":
      return { path, message: busybox ? `ls: ${path}: No such file or directory` : `ls: cannot access '${path}': No such file or directory` };
    case "stat":
      return { path, message: busybox ? `stat: can't stat '${path}': No such file or directory` : `stat: cannot statx '${path}': No such file or directory` };
    case "test":
    case "[":
      return { path, message: "" };
  }
  return undefined;
}

/** Paths a default nginx or httpd answers 200 on; anything else is a 404. */
const STATIC_SERVER_PATHS: Record<string, string[]> = {
  nginx: ["/", "/index.html", "/50x.html"],
  httpd: ["/", "/index.html"],
};

/** How a failing probe of this handler reads, when the application (not the network) says no. */
function unhealthyMessage(probe: Probe, status: number): string {
  if (probe.httpGet) return `HTTP probe failed with statuscode: ${status}`;
  if (probe.grpc) return 'service unhealthy (responded with "NOT_SERVING")';
  return "";
}

function handlerSegments(probe: Probe, container: Container, behaviour: Behaviour, podIP: string): Segment[] {
  const refused = (port: string) => `dial tcp ${podIP}:${port}: connect: connection refused`;
  if (probe.exec) {
    const busybox = /busybox|alpine/.test(behaviour.image.shortName);
    const check = execFileCheck(probe.exec.command ?? [], busybox);
    if (!check) return [{ from: 0, outcome: OK }];
    const changes = behaviour.files.filter((f) => f.path === check.path);
    if (changes.length === 0) return [{ from: 0, outcome: OK }];
    const fail: Outcome = { ok: false, message: check.message };
    const segments: Segment[] = [{ from: 0, outcome: changes[0].exists ? fail : OK }];
    for (const change of changes) segments.push({ from: change.at, outcome: change.exists ? OK : fail });
    return segments;
  }
  if (probe.httpGet) {
    const port = portNumber(container, probe.httpGet.port);
    const scheme = (probe.httpGet.scheme ?? "HTTP").toLowerCase();
    const path = probe.httpGet.path || "/";
    const host = probe.httpGet.host || podIP;
    if (!listens(container, behaviour, probe.httpGet.port)) {
      return [{ from: 0, outcome: { ok: false, message: `Get "${scheme}://${host}:${port}${path}": ${refused(port)}` } }];
    }
    const known = STATIC_SERVER_PATHS[behaviour.image.shortName];
    if (known && behaviour.argv.length === 0 && !known.includes(path.split("?")[0])) {
      return [{ from: 0, outcome: { ok: false, message: unhealthyMessage(probe, 404) } }];
    }
    return [{ from: 0, outcome: OK }];
  }
  if (probe.tcpSocket) {
    const port = portNumber(container, probe.tcpSocket.port);
    return [{ from: 0, outcome: listens(container, behaviour, probe.tcpSocket.port) ? OK : { ok: false, message: refused(port) } }];
  }
  if (probe.grpc) {
    const port = String(probe.grpc.port);
    const ok = listens(container, behaviour, probe.grpc.port);
    return [{ from: 0, outcome: ok ? OK : { ok: false, message: `timeout: failed to connect service "${podIP}:${port}" within 1s` } }];
  }
  return [{ from: 0, outcome: OK }];
}

/** What probes of `kind` return over the container's life (seconds since start). */
export function outcomeSegments(kind: ProbeKind, probe: Probe, container: Container, behaviour: Behaviour, podIP: string): Segment[] {
  if (kind === "readiness" && behaviour.ready !== undefined) {
    return [{ from: 0, outcome: behaviour.ready ? OK : { ok: false, message: unhealthyMessage(probe, 503) } }];
  }
  const segments = handlerSegments(probe, container, behaviour, podIP);
  const healthy = behaviour.healthySeconds;
  if (healthy === undefined) return segments;
  const sick: Outcome = { ok: false, message: unhealthyMessage(probe, 500) };
  return [...segments.filter((s) => s.from < healthy), { from: healthy, outcome: sick }];
}

/**
 * Probe ticks of one probe on one container instance, in ms. A change at exactly a tick (a file
 * removed at 30 s, probed at 30 s) is seen by the next tick: the process and the probe race, and
 * the docs' examples count the change as happening after that probe.
 */
class Ticker {
  private readonly base: number;
  readonly period: number;
  constructor(
    probe: Probe,
    private readonly startMs: number,
    private readonly secondMs: number,
    private readonly segments: Segment[],
  ) {
    this.base = startMs + (probe.initialDelaySeconds ?? 0) * secondMs;
    this.period = Math.max(1, probe.periodSeconds ?? 10) * secondMs;
  }
  /** The first tick at or after `t`. */
  atOrAfter(t: number): number {
    return this.base + Math.max(0, Math.ceil((t - this.base) / this.period - 1e-9)) * this.period;
  }
  /** The first tick strictly after `t`. */
  after(t: number): number {
    const tick = this.atOrAfter(t);
    return tick > t + 1e-6 ? tick : tick + this.period;
  }
  outcome(t: number): Outcome {
    const seconds = (t - this.startMs) / this.secondMs;
    let current = this.segments[0]?.outcome ?? OK;
    for (const s of this.segments) if (s.from < seconds - 1e-9) current = s.outcome;
    return current;
  }
  /** The next time after `t` from which the outcome may change (ticks after it see the change), or undefined. */
  nextChange(t: number): number | undefined {
    const seconds = (t - this.startMs) / this.secondMs;
    const next = this.segments.find((s) => s.from >= seconds - 1e-9 && s.from > 0);
    return next ? this.startMs + next.from * this.secondMs : undefined;
  }
}

export interface ProbeInput {
  container: Container;
  behaviour: Behaviour;
  podIP: string;
  /** The instance's start, ms. */
  startMs: number;
  /** When it exits by itself (ms), if it does. */
  exitMs?: number;
  /** Milliseconds per simulated second (1000 × timeScale). */
  secondMs: number;
}

/** The probe timeline of one running container instance (see ProbeTimeline). */
export function probeTimeline(input: ProbeInput): ProbeTimeline {
  const { container, behaviour, podIP, startMs, secondMs } = input;
  let end = input.exitMs !== undefined && Number.isFinite(input.exitMs) ? input.exitMs : Infinity;
  const ticker = (kind: ProbeKind, probe: Probe) => new Ticker(probe, startMs, secondMs, outcomeSegments(kind, probe, container, behaviour, podIP));
  const timeline: ProbeTimeline = { readiness: [] };

  let startedAt: number | undefined = startMs;
  const startup = probeOf(container, "startup");
  if (startup) {
    startedAt = undefined;
    const tick = ticker("startup", startup);
    const failures: ProbeFailure[] = [];
    for (let t = tick.atOrAfter(startMs); t < end; t += tick.period) {
      const o = tick.outcome(t);
      if (o.ok) {
        startedAt = t;
        break;
      }
      failures.push({ at: t, message: o.message });
      if (failures.length >= (startup.failureThreshold ?? 3)) {
        timeline.kill = { at: t, probe: "startup", failures };
        end = t;
        break;
      }
    }
  }
  timeline.startedAt = startedAt;
  if (startedAt === undefined) return timeline;

  const liveness = probeOf(container, "liveness");
  if (liveness) {
    const tick = ticker("liveness", liveness);
    let streak: ProbeFailure[] = [];
    for (let t = tick.atOrAfter(startedAt); t < end; ) {
      const o = tick.outcome(t);
      if (o.ok) {
        streak = [];
        const change = tick.nextChange(t);
        if (change === undefined) break;
        t = tick.after(change);
        continue;
      }
      streak.push({ at: t, message: o.message });
      if (streak.length >= (liveness.failureThreshold ?? 3)) {
        timeline.kill = { at: t, probe: "liveness", failures: streak };
        end = t;
        break;
      }
      t += tick.period;
    }
  }

  const readiness = probeOf(container, "readiness");
  if (!readiness) {
    if (startedAt < end) timeline.readiness.push({ at: startedAt, ready: true });
    return timeline;
  }
  const tick = ticker("readiness", readiness);
  let ready = false;
  let successes = 0;
  let failures = 0;
  for (let t = tick.atOrAfter(startedAt); t < end; ) {
    const o = tick.outcome(t);
    if (o.ok) {
      failures = 0;
      successes++;
      if (!ready && successes >= (readiness.successThreshold ?? 1)) {
        ready = true;
        timeline.readiness.push({ at: t, ready });
      }
    } else {
      successes = 0;
      failures++;
      timeline.firstReadinessFailure ??= { at: t, message: o.message };
      if (ready && failures >= (readiness.failureThreshold ?? 3)) {
        ready = false;
        timeline.readiness.push({ at: t, ready, message: o.message });
      }
    }
    const settled = o.ok ? ready : !ready;
    if (settled) {
      const change = tick.nextChange(t);
      if (change === undefined) break;
      t = Math.max(tick.after(change), t + tick.period);
    } else t += tick.period;
  }
  return timeline;
}

/** Readiness at `t` from a timeline. */
export function readyAt(timeline: ProbeTimeline, t: number): boolean {
  let ready = false;
  for (const flip of timeline.readiness) if (flip.at <= t) ready = flip.ready;
  return ready;
}
