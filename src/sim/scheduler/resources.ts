/**
 * Resource arithmetic of the NodeResourcesFit plugin: what a pod requests (component-helpers'
 * PodRequests), what a node can hold (status.allocatable) and what its pods already use
 * (the scheduler cache's NodeInfo.Requested / NonZeroRequested).
 *
 * cpu is counted in millicores, memory and ephemeral-storage in bytes, extended resources in units.
 */
import type { Container, Pod } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";
import { resourceAmount } from "../quantity";

export type Resources = Record<string, number>;

/** The requests of one container; a resource with only a limit is requested at the limit (API defaulting). */
function containerRequests(c: Container): Resources {
  const out: Resources = {};
  const requests = c.resources?.requests as Record<string, unknown> | undefined;
  const limits = c.resources?.limits as Record<string, unknown> | undefined;
  if (limits) for (const [name, raw] of Object.entries(limits)) addParsed(out, name, raw);
  if (requests) for (const [name, raw] of Object.entries(requests)) {
    delete out[name];
    addParsed(out, name, raw);
  }
  return out;
}

function addParsed(into: Resources, name: string, raw: unknown): void {
  const n = resourceAmount(name, raw);
  if (!Number.isNaN(n)) into[name] = (into[name] ?? 0) + n;
}

function add(into: Resources, from: Resources): void {
  for (const name in from) into[name] = (into[name] ?? 0) + from[name];
}

function maxInto(into: Resources, from: Resources): void {
  for (const name in from) if (!(name in into) || from[name] > into[name]) into[name] = from[name];
}

const requestCache = new WeakMap<object, Resources>();

/**
 * PodRequests: the sum of the app containers' requests, raised to what the init phase needs at its
 * peak, plus the pod overhead. Regular init containers run one at a time, so only the largest counts;
 * sidecars (init containers with restartPolicy Always) keep running, so they add to the app
 * containers and to every later init container.
 *
 *   containers 100m + 200m, init 500m                 → cpu 500m (init peak wins)
 *   containers 100m + 200m, init 250m                 → cpu 300m
 *   sidecar 50m then init 500m, containers 100m       → max(100+50, 50+500) = 550m
 *
 * Results are memoised per (frozen) pod object.
 */
export function podRequests(pod: KObject | Pod): Resources {
  const hit = requestCache.get(pod);
  if (hit) return hit;
  const spec = (pod as Pod).spec;
  const reqs: Resources = {};
  for (const c of spec?.containers ?? []) add(reqs, containerRequests(c));
  const restartable: Resources = {};
  const initPeak: Resources = {};
  for (const c of spec?.initContainers ?? []) {
    const own = containerRequests(c);
    if (c.restartPolicy === "Always") {
      add(reqs, own);
      add(restartable, own);
      maxInto(initPeak, { ...restartable });
    } else {
      const during = { ...own };
      add(during, restartable);
      maxInto(initPeak, during);
    }
  }
  maxInto(reqs, initPeak);
  const overhead = spec?.overhead as Record<string, unknown> | undefined;
  if (overhead) for (const [name, raw] of Object.entries(overhead)) addParsed(reqs, name, raw);
  if (Object.isFrozen(pod)) requestCache.set(pod, reqs);
  return reqs;
}

/** schedutil.DefaultMilliCPURequest / DefaultMemoryRequest: what scoring assumes for a container that requests nothing. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const nonZeroCache = new WeakMap<object, { cpu: number; memory: number }>();

/**
 * The cpu and memory a pod counts as for scoring (NonZeroRequested): like podRequests, but a
 * container that does not mention cpu or memory at all counts as 100m / 200Mi, so that many
 * request-less pods still spread out. An explicit zero stays zero.
 */
export function podNonZeroRequests(pod: KObject | Pod): { cpu: number; memory: number } {
  const hit = nonZeroCache.get(pod);
  if (hit) return hit;
  const spec = (pod as Pod).spec;
  const nonZero = (c: Container) => {
    const r = containerRequests(c);
    return { cpu: r.cpu ?? DEFAULT_MILLI_CPU_REQUEST, memory: r.memory ?? DEFAULT_MEMORY_REQUEST };
  };
  let cpu = 0;
  let memory = 0;
  for (const c of spec?.containers ?? []) {
    const r = nonZero(c);
    cpu += r.cpu;
    memory += r.memory;
  }
  let restartableCpu = 0;
  let restartableMem = 0;
  let peakCpu = 0;
  let peakMem = 0;
  for (const c of spec?.initContainers ?? []) {
    const r = nonZero(c);
    if (c.restartPolicy === "Always") {
      cpu += r.cpu;
      memory += r.memory;
      restartableCpu += r.cpu;
      restartableMem += r.memory;
      peakCpu = Math.max(peakCpu, restartableCpu);
      peakMem = Math.max(peakMem, restartableMem);
    } else {
      peakCpu = Math.max(peakCpu, r.cpu + restartableCpu);
      peakMem = Math.max(peakMem, r.memory + restartableMem);
    }
  }
  const result = {
    cpu: Math.max(cpu, peakCpu) + overheadOf(spec, "cpu"),
    memory: Math.max(memory, peakMem) + overheadOf(spec, "memory"),
  };
  if (Object.isFrozen(pod)) nonZeroCache.set(pod, result);
  return result;
}

function overheadOf(spec: Pod["spec"], name: string): number {
  const raw = (spec?.overhead as Record<string, unknown> | undefined)?.[name];
  if (raw === undefined) return 0;
  const n = resourceAmount(name, raw);
  return Number.isNaN(n) ? 0 : n;
}

/** A node's status.allocatable as numbers (cpu in millicores). */
export function nodeAllocatable(node: KObject): Resources {
  const cached = allocatableCache.get(node);
  if (cached) return cached;
  const out: Resources = {};
  const list = (node.status as { allocatable?: Record<string, unknown> } | undefined)?.allocatable;
  if (list) for (const [name, raw] of Object.entries(list)) addParsed(out, name, raw);
  if (Object.isFrozen(node)) allocatableCache.set(node, out);
  return out;
}
const allocatableCache = new WeakMap<object, Resources>();

/** A pod has finished for good (Succeeded or Failed): the scheduler cache forgets it and its resources. */
export function isTerminal(pod: KObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === "Succeeded" || phase === "Failed";
}

/** What the pods bound to one node already take: NodeInfo.Requested, NonZeroRequested and the pod count. */
export interface NodeUsage {
  requested: Resources;
  nonZeroCpu: number;
  nonZeroMemory: number;
  pods: number;
  /** Host ports in use, as "protocol/hostIP/port". */
  hostPorts: Set<string>;
}

/**
 * Sum the pods on a node that still hold resources: every non-terminal pod, terminating ones
 * included, as in the scheduler cache. (cluster.ts memoises this per node.)
 */
export function nodeUsage(pods: readonly KObject[]): NodeUsage {
  const usage: NodeUsage = { requested: {}, nonZeroCpu: 0, nonZeroMemory: 0, pods: 0, hostPorts: new Set() };
  for (const pod of pods) {
    if (isTerminal(pod)) continue;
    usage.pods++;
    add(usage.requested, podRequests(pod));
    const nz = podNonZeroRequests(pod);
    usage.nonZeroCpu += nz.cpu;
    usage.nonZeroMemory += nz.memory;
    for (const port of podHostPorts(pod)) usage.hostPorts.add(port);
  }
  return usage;
}

/** The host ports a pod asks for, as "protocol/hostIP/port" (NodePorts plugin; hostIP "" means every address). */
export function podHostPorts(pod: KObject | Pod): string[] {
  const out: string[] = [];
  for (const c of (pod as Pod).spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.hostPort && p.hostPort > 0) out.push(`${p.protocol ?? "TCP"}/${p.hostIP && p.hostIP !== "0.0.0.0" ? p.hostIP : ""}/${p.hostPort}`);
    }
  }
  return out;
}

/** HostPortInfo.CheckConflict: a wildcard address conflicts with every address on the same protocol and port. */
export function hostPortConflict(wanted: readonly string[], used: ReadonlySet<string>): boolean {
  if (!wanted.length || !used.size) return false;
  for (const w of wanted) {
    const [protocol, ip, port] = w.split("/");
    if (used.has(w)) return true;
    if (ip === "") {
      for (const u of used) {
        const [p2, , port2] = u.split("/");
        if (p2 === protocol && port2 === port) return true;
      }
    } else if (used.has(`${protocol}//${port}`)) return true;
  }
  return false;
}

/**
 * fitsRequest: the reasons a pod does not fit on a node, in upstream's order — "Too many pods", then
 * "Insufficient cpu", "Insufficient memory", "Insufficient ephemeral-storage", then extended
 * resources by name. A pod that requests nothing only needs a free pod slot.
 *
 *   allocatable cpu 4000m, 3500m requested, pod asks 1000m → ["Insufficient cpu"]
 */
export function insufficientResources(request: Resources, usage: NodeUsage, allocatable: Resources): string[] {
  const reasons: string[] = [];
  if (usage.pods + 1 > (allocatable.pods ?? 0)) reasons.push("Too many pods");
  const free = (name: string) => (allocatable[name] ?? 0) - (usage.requested[name] ?? 0);
  for (const name of ["cpu", "memory", "ephemeral-storage"]) {
    const want = request[name] ?? 0;
    if (want > 0 && want > free(name)) reasons.push(`Insufficient ${name}`);
  }
  const scalars = Object.keys(request)
    .filter((n) => n !== "cpu" && n !== "memory" && n !== "ephemeral-storage" && n !== "pods" && isScalarResourceName(n))
    .sort();
  for (const name of scalars) if (request[name] > 0 && request[name] > free(name)) reasons.push(`Insufficient ${name}`);
  return reasons;
}

/** Extended (vendor-domain/name), hugepages- and attachable-volumes- resources are counted; others ignored. */
function isScalarResourceName(name: string): boolean {
  return name.startsWith("hugepages-") || name.startsWith("attachable-volumes-") || (name.includes("/") && !name.startsWith("kubernetes.io/") && !name.startsWith("requests."));
}
