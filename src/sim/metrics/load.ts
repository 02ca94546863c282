/**
 * Request load on Services, as kube-proxy would spread it: a Service's load is the requests per
 * second of the running load-generator containers that target it (a `wget`/`curl` loop against
 * `http://php-apache` or `http://svc.ns.svc.cluster.local`, resolved in the generator's namespace)
 * plus whatever is set on the Service with the `kubeflare.dev/load-rps` annotation; it is divided
 * evenly over the Service's ready endpoints (pods its selector matches that are Running and Ready
 * and not terminating), and lands on the container that serves the Service's target port.
 *
 *   2 generators × 100 rps at php-apache, 4 ready pods → 50 rps each; a 5th pod still starting
 *   gets nothing until it is Ready.
 */
import type { Container, Pod, Service } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";
import type { Snapshot } from "../../controllers/types";
import { containerBehaviour, type LoadTarget } from "../kubelet/behaviour";

export const LOAD_ANNOTATION = "kubeflare.dev/load-rps";

export interface LoadGenerator {
  namespace: string;
  pod: string;
  container: string;
  /** The targeted Service. */
  service: string;
  serviceNamespace: string;
  requestsPerSecond: number;
}

const asPod = (o: KObject) => o as unknown as Pod;

/** A pod counts for metrics when it is Running (Pending and finished pods have no usage). */
export function podRunning(pod: KObject): boolean {
  return asPod(pod).status?.phase === "Running";
}

/** podutil.IsPodReady: the Ready condition is True. */
export function podReady(pod: KObject): boolean {
  return !!asPod(pod).status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
}

/** Whether container `name` of the pod is running now. */
export function containerRunning(pod: KObject, name: string): boolean {
  return !!asPod(pod).status?.containerStatuses?.find((s) => s.name === name)?.state?.running;
}

// ---- load generators --------------------------------------------------------------------------

const CACHE_LIMIT = 2048;
/** Behaviours by pod uid, container and what can change them (image, kubeflare.dev annotations). */
const generatorCache = new Map<string, LoadTarget | null>();

function relevantAnnotations(annotations: Record<string, string> | undefined): string {
  if (!annotations) return "";
  return Object.keys(annotations)
    .filter((k) => k.startsWith("kubeflare.dev/") && k !== "kubeflare.dev/sandbox")
    .sort()
    .map((k) => `${k}=${annotations[k]}`)
    .join("\n");
}

/** The Service a container's endless wget/curl loop targets, if it is one (memoised: parsing a script is not free). */
export function loadTargetOf(pod: KObject, container: Container): LoadTarget | undefined {
  const text = [...(container.command ?? []), ...(container.args ?? [])].join(" ");
  // Only a process that mentions wget or curl can be a load generator; most containers stop here.
  if (!/wget|curl/.test(text)) return undefined;
  const key = `${pod.metadata.uid}\u0000${container.name}\u0000${container.image}\u0000${relevantAnnotations(pod.metadata.annotations)}`;
  const hit = generatorCache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const target = containerBehaviour(container, pod.metadata.annotations, { podName: pod.metadata.name, namespace: pod.metadata.namespace }).loadTarget;
  if (generatorCache.size >= CACHE_LIMIT) generatorCache.clear();
  generatorCache.set(key, target ?? null);
  return target;
}

/** Every running load-generator container in the cluster. */
export function loadGenerators(snapshot: Snapshot): LoadGenerator[] {
  const out: LoadGenerator[] = [];
  for (const pod of snapshot.list("pods")) {
    // A terminating generator keeps sending until its container is killed (grace period included).
    if (!podRunning(pod)) continue;
    for (const container of asPod(pod).spec?.containers ?? []) {
      const target = loadTargetOf(pod, container);
      if (!target || !containerRunning(pod, container.name)) continue;
      const namespace = pod.metadata.namespace ?? "default";
      out.push({
        namespace,
        pod: pod.metadata.name!,
        container: container.name,
        service: target.service,
        serviceNamespace: target.namespace ?? namespace,
        requestsPerSecond: target.requestsPerSecond,
      });
    }
  }
  return out;
}

// ---- services and their endpoints ---------------------------------------------------------------

const serviceKey = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * One reconcile's view of request load: computed once from a snapshot (generators, Services,
 * endpoints) and then asked per pod. Cheap to build when nothing generates load.
 */
export class LoadModel {
  private readonly generated = new Map<string, number>();
  private readonly endpointCache = new Map<string, KObject[]>();
  private readonly servicesByNamespace = new Map<string, KObject[]>();

  constructor(private readonly snapshot: Snapshot) {
    for (const g of loadGenerators(snapshot)) {
      const key = serviceKey(g.serviceNamespace, g.service);
      this.generated.set(key, (this.generated.get(key) ?? 0) + g.requestsPerSecond);
    }
  }

  /** Requests per second sent to a Service: generators plus the kubeflare.dev/load-rps annotation. */
  serviceLoad(namespace: string, name: string): number {
    const svc = this.snapshot.get("services", namespace, name);
    if (!svc) return 0;
    const set = Number(svc.metadata.annotations?.[LOAD_ANNOTATION]);
    return (this.generated.get(serviceKey(namespace, name)) ?? 0) + (Number.isFinite(set) && set > 0 ? set : 0);
  }

  private services(namespace: string): KObject[] {
    let list = this.servicesByNamespace.get(namespace);
    if (!list) {
      list = this.snapshot.list("services", namespace);
      this.servicesByNamespace.set(namespace, list);
    }
    return list;
  }

  /** The pods that receive a Service's traffic: selected, Running, Ready, not terminating. */
  readyEndpoints(namespace: string, name: string): KObject[] {
    const key = serviceKey(namespace, name);
    const hit = this.endpointCache.get(key);
    if (hit) return hit;
    const svc = this.snapshot.get("services", namespace, name);
    const selector = (svc?.spec as Service["spec"] | undefined)?.selector;
    let pods: KObject[] = [];
    if (svc && selector && Object.keys(selector).length > 0) {
      pods = this.snapshot.list("pods", namespace).filter((p) => selects(selector, p) && serving(p));
    } else if (svc) {
      // A Service without a selector: whatever pods its hand-written Endpoints name as ready.
      const endpoints = this.snapshot.get("endpoints", namespace, name) as { subsets?: { addresses?: { targetRef?: { kind?: string; name?: string } }[] }[] } | undefined;
      const names = new Set((endpoints?.subsets ?? []).flatMap((s) => s.addresses ?? []).filter((a) => a.targetRef?.kind === "Pod").map((a) => a.targetRef!.name!));
      pods = [...names].map((n) => this.snapshot.get("pods", namespace, n)).filter((p): p is KObject => !!p && serving(p));
    }
    this.endpointCache.set(key, pods);
    return pods;
  }

  /**
   * Services whose ready endpoints include this pod. A serving pod is a ready endpoint of every
   * Service whose selector picks it, so only selector-less Services need their endpoints worked out
   * (doing it for every Service read each one and filtered every pod: O(Services × pods) per pod).
   */
  servicesOf(pod: KObject): KObject[] {
    const namespace = pod.metadata.namespace ?? "default";
    if (!serving(pod)) return [];
    return this.services(namespace).filter((svc) => {
      const selector = (svc.spec as Service["spec"] | undefined)?.selector;
      if (selector && Object.keys(selector).length > 0) return selects(selector, pod);
      return this.readyEndpoints(namespace, svc.metadata.name!).some((p) => p.metadata.uid === pod.metadata.uid);
    });
  }

  /**
   * Requests per second each container of the pod serves: every Service's share (its load over its
   * ready endpoints) goes to the container that declares the Service's target port, else the first.
   */
  podRequests(pod: KObject): Map<string, number> {
    const out = new Map<string, number>();
    const namespace = pod.metadata.namespace ?? "default";
    for (const svc of this.servicesOf(pod)) {
      const load = this.serviceLoad(namespace, svc.metadata.name!);
      if (load <= 0) continue;
      const share = load / this.readyEndpoints(namespace, svc.metadata.name!).length;
      const container = servingContainer(pod, svc);
      if (container) out.set(container, (out.get(container) ?? 0) + share);
    }
    return out;
  }

  /** Total requests per second the pod serves. */
  podRequestRate(pod: KObject): number {
    let total = 0;
    for (const rps of this.podRequests(pod).values()) total += rps;
    return total;
  }
}

function selects(selector: Record<string, string>, pod: KObject): boolean {
  const labels = pod.metadata.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** A ready endpoint, as the endpoints controller lists it among `addresses`. */
function serving(pod: KObject): boolean {
  return !pod.metadata.deletionTimestamp && podRunning(pod) && podReady(pod);
}

/** The container behind the Service's first port's targetPort (by number or name); the first container otherwise. */
function servingContainer(pod: KObject, svc: KObject): string | undefined {
  const containers = asPod(pod).spec?.containers ?? [];
  const port = (svc.spec as Service["spec"] | undefined)?.ports?.[0];
  const target = port?.targetPort ?? port?.port;
  if (target !== undefined) {
    const match = containers.find((c) => (c.ports ?? []).some((p) => (typeof target === "number" ? p.containerPort === target : p.name === target)));
    if (match) return match.name;
  }
  return containers[0]?.name;
}
