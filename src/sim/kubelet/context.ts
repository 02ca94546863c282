/**
 * One reconcile's view of a pod on its node: the frozen pod and snapshot, a draft of the runtime
 * record the stages move on, the writes they produce, and the derived facts they share (container
 * behaviours, probe timelines, exit times) computed once per reconcile.
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { Snapshot, Write } from "../../controllers/types";
import type { KObject } from "../../api/types";
import { memoryCurve, secondsToOOM } from "../metrics/usage";
import type { SimulationSettings } from "../settings";
import { type Behaviour, containerBehaviour, printedBetween } from "./behaviour";
import { containerEnvironment, type ContainerEnvironment } from "./environment";
import { withExecWrites } from "./filesystem";
import { type BackoffPolicy, kubeletBackoff } from "./backoff";
import { imageID, parseImage } from "./images";
import { type ProbeTimeline, probeTimeline } from "./probes";
import { type ContainerRecord, type Instance, type SandboxRecord, ensureContainer } from "./record";
import { type ContainerSpec, containerSpecs, shouldRestart } from "./spec";
import { isoMs } from "./time";

/** PLEG relists every second: the delay before the kubelet reacts to a container's exit. */
const PLEG_SECONDS = 1;
/** The smallest timeScale honoured (1 ms per simulated second). */
const MIN_TIME_SCALE = 0.001;
/** Log lines kept per flush (the kubelet rotates container logs too). */
const MAX_LOG_LINES = 5000;

export class PodContext {
  readonly pod: Pod;
  readonly specs: ContainerSpec[];
  readonly writes: Write[] = [];
  /** Milliseconds per simulated second (back-offs, probes, sleeps, grace periods). */
  readonly secondMs: number;
  readonly backoffPolicy: BackoffPolicy;
  private readonly behaviourCache = new Map<string, Behaviour>();
  private readonly envCache = new Map<string, ContainerEnvironment>();
  private readonly probeCache = new Map<string, ProbeTimeline | undefined>();

  constructor(
    readonly object: KObject,
    readonly record: SandboxRecord,
    readonly snapshot: Snapshot,
    readonly settings: SimulationSettings,
    readonly now: number,
    readonly nodeName: string,
    readonly hostIP: string,
  ) {
    this.pod = object as unknown as Pod;
    this.specs = containerSpecs(this.pod);
    // Only containers the spec still names (a hand-edited record may hold others).
    record.containers = record.containers.filter((c) => this.specs.some((s) => s.name === c.name));
    // A zero timeScale would make every wait instant and crash loops spin: keep a millisecond floor.
    const scale = Math.max(settings.timeScale, MIN_TIME_SCALE);
    this.secondMs = 1000 * scale;
    this.backoffPolicy = kubeletBackoff(scale);
  }

  get uid(): string {
    return this.pod.metadata?.uid ?? "";
  }
  get syncMs(): number {
    return PLEG_SECONDS * this.secondMs;
  }
  get pullMs(): number {
    return this.settings.imagePullSeconds * 1000;
  }
  get startMs(): number {
    return this.settings.containerStartSeconds * 1000;
  }
  get podIP(): string {
    return this.pod.spec?.hostNetwork ? this.hostIP : (this.record.ip ?? "");
  }

  spec(name: string): ContainerSpec {
    return this.specs.find((s) => s.name === name)!;
  }
  rec(name: string): ContainerRecord | undefined {
    return this.record.containers.find((c) => c.name === name);
  }
  ensure(name: string, at: number): ContainerRecord {
    return ensureContainer(this.record, name, at);
  }

  /** Derived facts depend on the record; a stage that changes a container forgets them. */
  invalidate(name: string): void {
    this.behaviourCache.delete(name);
    this.probeCache.delete(name);
  }

  environment(name: string): ContainerEnvironment {
    let env = this.envCache.get(name);
    if (!env) {
      env = containerEnvironment(this.pod, this.spec(name).container, this.snapshot);
      this.envCache.set(name, env);
    }
    return env;
  }

  /** The behaviour of container `name`, with the names its current instance waited on resolved. */
  behaviour(name: string): Behaviour {
    let b = this.behaviourCache.get(name);
    if (!b) {
      b = containerBehaviour(this.spec(name).container, this.pod.metadata?.annotations, this.behaviourContext(name));
      this.behaviourCache.set(name, b);
    }
    return b;
  }

  private behaviourContext(name: string) {
    const rec = this.rec(name);
    const env = this.environment(name);
    const start = rec?.current?.startedAt ?? this.now;
    const resolved: Record<string, { ip: string; at: number }> = {};
    for (const [host, hit] of Object.entries(rec?.resolved ?? {})) resolved[host] = { ip: hit.ip, at: Math.max(0, (hit.at - start) / this.secondMs) };
    return { podName: this.pod.metadata?.name, namespace: this.pod.metadata?.namespace, env: env.env, files: env.files, resolved };
  }

  /** When the running instance of `name` exits by itself (ms), if it does: its program ends, or someone attached ended it. */
  exitAt(name: string): number | undefined {
    const rec = this.rec(name);
    const b = this.behaviour(name);
    if (!rec?.current) return undefined;
    const ended = rec.current.ended?.at;
    if (b.runSeconds === "forever") return ended;
    return Math.min(ended ?? Infinity, rec.current.startedAt + b.runSeconds * this.secondMs);
  }

  /** The code the running instance of `name` exits with at `at`. */
  exitCode(name: string, at: number): number {
    const ended = this.rec(name)?.current?.ended;
    return ended && ended.at <= at ? ended.code : this.behaviour(name).exitCode;
  }

  /**
   * When the running instance of `name` is OOM-killed (ms): when its memory (stress's --vm-bytes, the
   * kubeflare.dev/memory annotation or the image's baseline, plus kubeflare.dev/memory-growth) passes
   * its memory limit — at the earliest a second after the start, the time the allocation takes.
   */
  oomAt(name: string): number | undefined {
    const rec = this.rec(name);
    if (!rec?.current) return undefined;
    const seconds = secondsToOOM(memoryCurve(this.object, this.spec(name).container));
    return seconds === undefined ? undefined : rec.current.startedAt + Math.max(1, seconds) * this.secondMs;
  }

  /** The probe timeline of the running instance of `name`. */
  probes(name: string): ProbeTimeline | undefined {
    if (this.probeCache.has(name)) return this.probeCache.get(name);
    const rec = this.rec(name);
    let timeline: ProbeTimeline | undefined;
    if (rec?.current && (rec.phase === "running" || rec.phase === "killing")) {
      timeline = probeTimeline({
        container: this.spec(name).container,
        behaviour: withExecWrites(this.behaviour(name), rec.current, this.secondMs),
        podIP: this.podIP,
        startMs: rec.current.startedAt,
        exitMs: Math.min(this.exitAt(name) ?? Infinity, this.oomAt(name) ?? Infinity),
        secondMs: this.secondMs,
      });
    }
    this.probeCache.set(name, timeline);
    return timeline;
  }

  /** Whether the (regular or sidecar) container counts as started at `at`. */
  startedBy(name: string, at: number): number | undefined {
    const started = this.probes(name)?.startedAt;
    return started !== undefined && started <= at ? started : undefined;
  }

  /** Whether `rec` will run again by itself: it is in a start attempt, running, or due a restart. */
  alive(rec: ContainerRecord): boolean {
    if (rec.phase === "running" || rec.phase === "killing") return true;
    if (this.record.stopping) return false;
    if (rec.phase === "exited") return this.restartsAfterExit(rec);
    return rec.phase !== "waiting";
  }

  restartsAfterExit(rec: ContainerRecord): boolean {
    const cur = rec.current;
    if (!cur || this.record.stopping) return false;
    const byProbe = cur.killedBy === "liveness" || cur.killedBy === "startup" || cur.killedBy === "definition";
    return cur.killedBy !== "sidecar" && shouldRestart(this.pod, this.spec(rec.name), cur.exitCode ?? 0, byProbe);
  }

  /** imagePullPolicy with upstream's default: Always for `:latest` or no tag, else IfNotPresent. */
  pullPolicy(name: string): string {
    const c = this.spec(name).container;
    if (c.imagePullPolicy) return c.imagePullPolicy;
    const ref = parseImage(c.image ?? "");
    return ref.tag === "latest" && !ref.digest ? "Always" : "IfNotPresent";
  }

  /** Whether the node already holds `image`: some other pod there ran it, or a container of this one did. */
  imagePresent(image: string, pending: Set<string> = new Set()): boolean {
    const ref = parseImage(image);
    if (pending.has(ref.normalized)) return true;
    if (this.record.containers.some((c) => c.current && parseImage(c.current.image).normalized === ref.normalized)) return true;
    const id = imageID(ref);
    for (const other of this.snapshot.podsOnNode(this.nodeName)) {
      if (other.metadata.uid === this.uid) continue;
      const status = other.status as { containerStatuses?: { imageID?: string }[]; initContainerStatuses?: { imageID?: string }[] } | undefined;
      const statuses = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? [])];
      if (statuses.some((s) => s.imageID === id)) return true;
    }
    return false;
  }

  /** How long a start attempt takes: the pull (when pulling) and, unless the pull fails, creating and starting. */
  attemptMs(name: string, pull: boolean): number {
    const pullOk = this.behaviour(name).pull.ok;
    if (pull && !pullOk) return this.pullMs;
    return (pull ? this.pullMs : 0) + this.startMs;
  }

  // ---- writes ---------------------------------------------------------------------------------

  event(type: "Normal" | "Warning", reason: string, message: string, container?: string): void {
    const fieldPath = container ? this.spec(container).fieldPath : undefined;
    this.writes.push({ op: "event", involved: this.object, type, reason, message, component: "kubelet", host: this.nodeName, ...(fieldPath ? { fieldPath } : {}) });
  }

  /** Hands the lines `instance` printed up to `until` (ms) to the log store. */
  flushLogs(name: string, instance: Instance, until: number): void {
    const to = (until - instance.startedAt) / this.secondMs;
    const from = instance.loggedTo ?? -1;
    if (to <= from) return;
    const b = this.behaviour(name);
    const context = { ...this.behaviourContext(name), secondMs: this.secondMs };
    let lines = printedBetween(b, this.spec(name).container, context, instance.startedAt, Math.max(0, from), to).filter((l) => l.at > from);
    instance.loggedTo = to;
    if (lines.length === 0) return;
    if (lines.length > MAX_LOG_LINES) lines = lines.slice(-MAX_LOG_LINES);
    this.writes.push({
      op: "log",
      namespace: this.pod.metadata?.namespace ?? "",
      pod: this.pod.metadata?.name ?? "",
      container: name,
      restart: instance.attempt,
      lines: lines.map((l) => ({ time: isoMs(instance.startedAt + l.at * this.secondMs), text: l.text })),
    });
  }
}
