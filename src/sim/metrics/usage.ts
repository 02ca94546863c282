/**
 * The usage model behind metrics.k8s.io: what each running container of a pod uses right now.
 *
 * CPU (millicores) = the image's idle baseline + the requests it serves × the image's cost per
 * request + what a load generator spends sending — throttled at the container's CPU limit, as CFS
 * quota does. `kubeflare.dev/cpu` (or stress's `-cpus`) replaces the sum.
 * Memory (bytes) = the image's baseline, or `kubeflare.dev/memory` (stress's `--vm-bytes`), plus
 * `kubeflare.dev/memory-growth` bytes per simulated second since the container started, never above
 * the container's memory limit: the kubelet OOM-kills it when the curve crosses the limit.
 * Every annotation also exists per container as `kubeflare.dev/<container>.<key>`.
 *
 *   php-apache, request 200m, limit 500m, 100 rps on its only pod → 1 + 610 = 611m → 500m (250%)
 *   memory 50Mi + growth 1Mi/s, running 30 s → 80Mi; with a 64Mi limit OOMKilled after 14 s
 *
 * A pod has usage only while Running, and only for containers that are running (a pod with none
 * has no metrics at all, as metrics-server leaves it out).
 */
import type { Container, ContainerStatus, Pod } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";
import type { Snapshot } from "../../controllers/types";
import { annotation, containerBehaviour } from "../kubelet/behaviour";
import { milliValue, value } from "../quantity";
import { DEFAULT_SETTINGS, type SimulationSettings } from "../settings";
import { LoadModel, loadTargetOf, podRunning } from "./load";
import { CLIENT_CPU_PER_RPS, imageProfile } from "./profiles";

export interface ContainerUsage {
  name: string;
  /** Millicores. */
  cpu: number;
  /** Bytes. */
  memory: number;
}

export interface PodUsage {
  containers: ContainerUsage[];
}

export interface ResourceUsage {
  cpu: number;
  memory: number;
}

/** A node's own daemons (kubelet, containerd, the OS) before any pod runs. */
export const NODE_SYSTEM_USAGE: ResourceUsage = { cpu: 40, memory: 320 * 1024 * 1024 };

/** The smallest timeScale honoured when turning milliseconds into simulated seconds. */
const MIN_TIME_SCALE = 0.001;

const asPod = (o: KObject) => o as unknown as Pod;

/**
 * One instant's usage view of a cluster: built once per snapshot and `now` (the request load is
 * worked out once), then asked per pod or node.
 */
export class UsageModel {
  readonly load: LoadModel;

  constructor(
    readonly snapshot: Snapshot,
    readonly now: number,
    readonly settings: SimulationSettings = DEFAULT_SETTINGS,
  ) {
    this.load = new LoadModel(snapshot);
  }

  /** Usage of a Running pod's running containers; undefined when it has none. */
  pod(pod: KObject): PodUsage | undefined {
    if (!podRunning(pod)) return undefined;
    const spec = asPod(pod).spec;
    const status = asPod(pod).status;
    const sidecars = (spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
    const running: { container: Container; status: ContainerStatus }[] = [];
    for (const [containers, statuses] of [[spec?.containers ?? [], status?.containerStatuses ?? []], [sidecars, status?.initContainerStatuses ?? []]] as const) {
      for (const container of containers) {
        const s = statuses.find((st) => st.name === container.name);
        if (s?.state?.running) running.push({ container, status: s });
      }
    }
    if (running.length === 0) return undefined;
    const requests = this.load.podRequests(pod);
    return { containers: running.map(({ container, status: s }) => this.container(pod, container, s, requests.get(container.name) ?? 0)) };
  }

  /** The sum of the node's pods plus the node's own daemons. */
  node(node: KObject): ResourceUsage {
    const total = { ...NODE_SYSTEM_USAGE };
    for (const pod of this.snapshot.podsOnNode(node.metadata.name!)) {
      for (const c of this.pod(pod)?.containers ?? []) {
        total.cpu += c.cpu;
        total.memory += c.memory;
      }
    }
    return total;
  }

  private container(pod: KObject, container: Container, status: ContainerStatus, rps: number): ContainerUsage {
    const profile = imageProfile(container.image ?? "");
    const fixedCpu = usageOverride(pod, container).cpu;

    let cpu: number;
    if (fixedCpu !== undefined) {
      cpu = fixedCpu;
    } else {
      const sending = loadTargetOf(pod, container)?.requestsPerSecond ?? 0;
      cpu = profile.cpu + rps * profile.cpuPerRps + sending * CLIENT_CPU_PER_RPS;
    }
    const limit = milliValue(container.resources?.limits?.cpu);
    if (Number.isFinite(limit) && limit > 0) cpu = Math.min(cpu, limit);

    const curve = memoryCurve(pod, container);
    let memory = curve.base;
    const started = status.state?.running?.startedAt ? Date.parse(status.state.running.startedAt) : NaN;
    if (curve.growth > 0 && !Number.isNaN(started)) memory += curve.growth * this.simulatedSeconds(this.now - started);
    if (curve.limit !== undefined) memory = Math.min(memory, curve.limit);
    return { name: container.name, cpu: Math.max(0, Math.round(cpu)), memory: Math.max(0, Math.round(memory)) };
  }

  /** Wall milliseconds as simulated seconds (the profile's timeScale stretches or shrinks them). */
  simulatedSeconds(ms: number): number {
    return Math.max(0, ms) / (1000 * Math.max(this.settings.timeScale, MIN_TIME_SCALE));
  }
}

/** A container's memory use over its run: `base` bytes at start, `growth` more per simulated second. */
export interface MemoryCurve {
  base: number;
  growth: number;
  /** The container's memory limit (bytes), if it has one. */
  limit?: number;
}

export function memoryCurve(pod: KObject, container: Container): MemoryCurve {
  const growth = value(annotation(pod.metadata.annotations, container.name, "memory-growth"));
  const limit = value(container.resources?.limits?.memory);
  return {
    base: usageOverride(pod, container).memory ?? imageProfile(container.image ?? "").memory,
    growth: Number.isFinite(growth) && growth > 0 ? growth : 0,
    ...(Number.isFinite(limit) && limit > 0 ? { limit } : {}),
  };
}

/**
 * Simulated seconds from start until the curve is over its limit, when it ever is: at once for a
 * base already over it, else where base + growth × t passes the limit.
 *
 *   base 50Mi, growth 1Mi/s, limit 64Mi → 14 s        base 250M, limit 100Mi → 0 s
 */
export function secondsToOOM(curve: MemoryCurve): number | undefined {
  if (curve.limit === undefined) return undefined;
  if (curve.base > curve.limit) return 0;
  if (curve.growth <= 0) return undefined;
  return (curve.limit - curve.base) / curve.growth;
}

/** The usage of one pod (see UsageModel for many). */
export function podUsage(pod: KObject, snapshot: Snapshot, now: number, settings: SimulationSettings = DEFAULT_SETTINGS): PodUsage | undefined {
  return new UsageModel(snapshot, now, settings).pod(pod);
}

/** The usage of one node: its pods plus a small system baseline. */
export function nodeUsage(node: KObject, snapshot: Snapshot, now: number, settings: SimulationSettings = DEFAULT_SETTINGS): ResourceUsage {
  return new UsageModel(snapshot, now, settings).node(node);
}

// ---- fixed usage from annotations or stress --------------------------------------------------------

const stressCache = new Map<string, { cpu?: number; memory?: number }>();
const CACHE_LIMIT = 2048;

const finite = (n: number) => (Number.isFinite(n) ? n : undefined);

/** What a stress process holds (`--vm-bytes 150M`, `-cpus 2`), as the kubelet's behaviour reads it (memoised). */
function stressUsage(pod: KObject, container: Container): { cpu?: number; memory?: number } {
  const text = [container.image ?? "", ...(container.command ?? []), ...(container.args ?? [])].join(" ");
  if (!/stress/.test(text)) return {};
  const key = `${pod.metadata.uid}\u0000${container.name}\u0000${text}`;
  let hit = stressCache.get(key);
  if (!hit) {
    const usage = containerBehaviour(container, undefined, { podName: pod.metadata.name, namespace: pod.metadata.namespace }).usage ?? {};
    hit = { cpu: usage.cpu !== undefined ? finite(milliValue(usage.cpu)) : undefined, memory: usage.memory !== undefined ? finite(value(usage.memory)) : undefined };
    if (stressCache.size >= CACHE_LIMIT) stressCache.clear();
    stressCache.set(key, hit);
  }
  return hit;
}

/** Usage the tutorial fixed: `kubeflare.dev/cpu` / `kubeflare.dev/memory` (or per container), else stress's. */
function usageOverride(pod: KObject, container: Container): { cpu?: number; memory?: number } {
  const annotations = pod.metadata.annotations;
  const stress = stressUsage(pod, container);
  const cpuText = annotation(annotations, container.name, "cpu");
  const memoryText = annotation(annotations, container.name, "memory");
  return {
    cpu: (cpuText !== undefined ? finite(milliValue(cpuText)) : undefined) ?? stress.cpu,
    memory: (memoryText !== undefined ? finite(value(memoryText)) : undefined) ?? stress.memory,
  };
}
