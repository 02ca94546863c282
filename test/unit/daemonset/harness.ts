/**
 * The DaemonSet page's world: a SimCluster running the real scheduler, kubelet and garbage
 * collectors with the DaemonSet controller (FAST_SETTINGS), the docs' fluentd-elasticsearch
 * DaemonSet, node helpers (add, remove, label, taint, cordon, a control-plane node), kubectl's
 * client-side `rollout status` / `rollout undo`, and the per-node invariants.
 */
import type { Pod, Taint } from "kubernetes-types/core/v1";
import { patch, remove } from "../../../src/api/rest";
import { labelSelectorFromSpec, matchesLabels } from "../../../src/api/selectors";
import type { KObject } from "../../../src/api/types";
import {
  allowsSurge, createDaemonSetController, DAEMON_SETS, isTerminating, nodeShouldRunDaemonPod, targetNodeName, unavailableCount, type DaemonSet, type Node,
} from "../../../src/controllers/daemonset";
import { createGarbageCollector } from "../../../src/controllers/garbageCollector";
import { CONTROLLER_REVISION_HASH_LABEL, CONTROLLER_REVISIONS, revisionData, type ControllerRevision } from "../../../src/controllers/history";
import { createPodGarbageCollector } from "../../../src/controllers/podGC";
import { isPodAvailable } from "../../../src/controllers/replicaset/activePods";
import { controllerOf } from "../../../src/controllers/types";
import { createKubelet } from "../../../src/sim/kubelet";
import { createScheduler } from "../../../src/sim/scheduler";
import { FAST_SETTINGS } from "../../../src/sim/settings";
import { SimCluster, type Invariant } from "../runtime/cluster";

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const NAME = "fluentd-elasticsearch";
export const NS = "kube-system";
export const IMAGE_1 = "quay.io/fluentd_elasticsearch/fluentd:v5.0.1";
export const IMAGE_2 = "quay.io/fluentd_elasticsearch/fluentd:v5.0.2";

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The docs' control-plane tolerations. */
export const CONTROL_PLANE_TOLERATIONS = [
  { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
  { key: "node-role.kubernetes.io/master", operator: "Exists", effect: "NoSchedule" },
];

export interface DsOptions {
  name?: string;
  image?: string;
  tolerations?: unknown[] | null;
  nodeSelector?: Record<string, string>;
  updateStrategy?: Record<string, unknown>;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  hostNetwork?: boolean;
}

/** The docs' fluentd-elasticsearch DaemonSet (kube-system), with its control-plane tolerations. */
export function fluentd(o: DsOptions = {}): KObject {
  const name = o.name ?? NAME;
  return deepFreeze({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name, namespace: NS, labels: { "k8s-app": "fluentd-logging" } },
    spec: {
      selector: { matchLabels: { name } },
      ...(o.updateStrategy ? { updateStrategy: o.updateStrategy } : {}),
      ...(o.minReadySeconds ? { minReadySeconds: o.minReadySeconds } : {}),
      ...(o.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: o.revisionHistoryLimit } : {}),
      template: {
        metadata: { labels: { name } },
        spec: {
          ...(o.tolerations === null ? {} : { tolerations: o.tolerations ?? CONTROL_PLANE_TOLERATIONS }),
          ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
          ...(o.hostNetwork ? { hostNetwork: true } : {}),
          containers: [{
            name: "fluentd-elasticsearch",
            image: o.image ?? IMAGE_1,
            resources: { limits: { memory: "200Mi" }, requests: { cpu: "100m", memory: "200Mi" } },
            volumeMounts: [{ name: "varlog", mountPath: "/var/log" }],
          }],
          terminationGracePeriodSeconds: 30,
          volumes: [{ name: "varlog", hostPath: { path: "/var/log" } }],
        },
      },
    },
  });
}

export class DsCluster extends SimCluster {
  constructor(opts: { nodes?: number; seed?: number } = {}) {
    super([
      createScheduler(FAST_SETTINGS),
      createKubelet(FAST_SETTINGS),
      createGarbageCollector(),
      createPodGarbageCollector(),
      createDaemonSetController(FAST_SETTINGS),
    ], opts);
  }

  ds(name = NAME): DaemonSet {
    return this.get(DAEMON_SETS, name, NS) as DaemonSet;
  }

  /** The set's pods (terminating ones too), by node then age. */
  pods(name = NAME): (KObject & Pod)[] {
    const uid = this.ds(name)?.metadata.uid;
    return this.list("pods", NS)
      .filter((p) => controllerOf(p)?.uid === uid)
      .sort((a, b) => (targetNodeName(a) ?? "").localeCompare(targetNodeName(b) ?? "") || (a.metadata.uid! < b.metadata.uid! ? -1 : 1)) as (KObject & Pod)[];
  }

  /** node → image of its live daemon pod, for the nodes that have one. */
  placement(name = NAME): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of this.pods(name)) if (!isTerminating(p)) out[p.spec!.nodeName ?? `(pending ${targetNodeName(p)})`] = p.spec!.containers[0].image!;
    return out;
  }

  nodeNames(): string[] {
    return this.list("nodes").map((n) => n.metadata.name!);
  }

  addNode(name: string, o: { labels?: Record<string, string>; taints?: Taint[] } = {}): void {
    this.apply({ apiVersion: "v1", kind: "Node", metadata: { name, ...(o.labels ? { labels: o.labels } : {}) }, ...(o.taints ? { spec: { taints: o.taints } } : {}) });
  }

  /** A kubeadm control-plane node: the role label and its NoSchedule taint. */
  addControlPlane(name = "control-plane"): void {
    this.addNode(name, {
      labels: { "node-role.kubernetes.io/control-plane": "" },
      taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }],
    });
  }

  removeNode(name: string): void {
    this.write(() => remove(this.ctx, this.target("Node", ""), name));
  }

  /**
   * A change to a Node, written to the store directly. Through the API it currently throws in the
   * MemoryStore: a main-resource update keeps the old (frozen) status and node defaulting then
   * rewrites status.capacity in place.
   */
  private editNode(name: string, edit: (node: KObject & { spec: Record<string, unknown> }) => void): void {
    const old = this.get("nodes", name, "")!;
    const node = structuredClone(old) as KObject & { spec: Record<string, unknown> };
    node.spec ??= {};
    edit(node);
    this.write(() => this.store.put("nodes", node, old));
  }

  /** `kubectl taint node …`: the whole list, as kubectl sends it; null removes them all. */
  taint(node: string, taints: Taint[] | null): void {
    this.editNode(node, (n) => {
      if (taints) n.spec.taints = taints;
      else delete n.spec.taints;
    });
  }

  label(node: string, labels: Record<string, string | null>): void {
    this.editNode(node, (n) => {
      const next = { ...(n.metadata.labels ?? {}) };
      for (const [k, v] of Object.entries(labels)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      n.metadata.labels = next;
    });
  }

  cordon(node: string, on = true): void {
    this.editNode(node, (n) => {
      if (on) n.spec.unschedulable = true;
      else delete n.spec.unschedulable;
    });
  }

  deletePod(name: string): void {
    this.delete("Pod", name, NS);
  }

  /** `kubectl set image ds/… fluentd-elasticsearch=<image>`. */
  setImage(image: string, name = NAME): void {
    const containers = structuredClone(this.ds(name).spec.template.spec!.containers);
    containers[0].image = image;
    this.patch("DaemonSet", name, { spec: { template: { spec: { containers } } } }, NS);
  }

  revisions(name = NAME): ControllerRevision[] {
    const ds = this.ds(name);
    const selector = labelSelectorFromSpec(ds.spec.selector);
    return (this.list(CONTROLLER_REVISIONS, NS) as ControllerRevision[])
      .filter((r) => matchesLabels(selector, r.metadata.labels) && controllerOf(r)?.uid === ds.metadata.uid)
      .sort((a, b) => a.revision - b.revision);
  }

  /** The set's events, oldest first, as "Reason: message". */
  events(name = NAME): string[] {
    return this.list("events", NS)
      .filter((e) => (e.involvedObject as { kind: string; name: string }).kind === "DaemonSet" && (e.involvedObject as { name: string }).name === name)
      .sort((a, b) => (a.metadata.uid! < b.metadata.uid! ? -1 : 1))
      .map((e) => `${e.reason}: ${e.message}`);
  }

  /** `kubectl rollout undo ds/… [--to-revision=N]`: the revision's data as a strategic merge patch. */
  undo(toRevision = 0, name = NAME): string {
    const revisions = this.revisions(name);
    if (toRevision === 0 && revisions.length <= 1) return "error: no last revision to roll back to";
    const target = toRevision ? revisions.find((r) => r.revision === toRevision) : revisions[revisions.length - 2];
    if (!target) return `error: unable to find specified revision ${toRevision} in history`;
    if (JSON.stringify(target.data) === JSON.stringify(revisionData(this.ds(name).spec.template))) {
      return `daemonset.apps/${name} skipped rollback (current template already matches revision ${target.revision})`;
    }
    this.write(() => patch(this.ctx, this.target("DaemonSet", NS), name, "strategic", JSON.parse(JSON.stringify(target.data))));
    return `daemonset.apps/${name} rolled back`;
  }

  /** `kubectl rollout status ds/…` (DaemonSetStatusViewer): the line it prints now. */
  rolloutStatus(name = NAME): string {
    const ds = this.ds(name);
    const s = ds.status ?? {};
    if (ds.spec.updateStrategy?.type !== "RollingUpdate") return "rollout status is only available for RollingUpdate strategy type";
    if ((ds.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return "Waiting for daemon set spec update to be observed...";
    const desired = s.desiredNumberScheduled ?? 0;
    if ((s.updatedNumberScheduled ?? 0) < desired) return `Waiting for daemon set "${name}" rollout to finish: ${s.updatedNumberScheduled ?? 0} out of ${desired} new pods have been updated...`;
    if ((s.numberAvailable ?? 0) < desired) return `Waiting for daemon set "${name}" rollout to finish: ${s.numberAvailable ?? 0} of ${desired} updated pods are available...`;
    return `daemon set "${name}" successfully rolled out`;
  }

  run(invariants: Invariant[] = [], ms = 10 * MINUTE): void {
    this.settle({ horizonMs: ms, invariants });
  }
}

/**
 * One daemon pod per node: without surge at most one pod per node, terminating ones included (a new
 * pod waits for the old one to be gone); with surge at most one live pod per revision per node.
 */
export function onePodPerNode(c: DsCluster): Invariant {
  return () => {
    const pods = c.list("pods", NS);
    for (const ds of c.list(DAEMON_SETS, NS) as DaemonSet[]) {
      const surge = allowsSurge(ds);
      const byNode = new Map<string, KObject[]>();
      for (const p of pods) {
        if (controllerOf(p)?.uid !== ds.metadata.uid) continue;
        const node = targetNodeName(p) ?? "";
        byNode.set(node, [...(byNode.get(node) ?? []), p]);
      }
      for (const [node, list] of byNode) {
        if (!surge) {
          if (list.length > 1) throw new Error(`${ds.metadata.name}: ${list.length} pods on ${node} (step ${c.steps})`);
          continue;
        }
        const live = list.filter((p) => !isTerminating(p));
        const hashes = live.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]);
        if (new Set(hashes).size !== hashes.length) throw new Error(`${ds.metadata.name}: two live pods of one revision on ${node} (step ${c.steps})`);
      }
    }
  };
}

/**
 * During a rolling update (nodes unchanged): once every node that should run the pod has an
 * available one, never more than maxUnavailable of them lack one.
 */
export function keepsAvailability(c: DsCluster, name = NAME): Invariant {
  let armed = false;
  return () => {
    const ds = c.ds(name);
    if (!ds) return;
    const nodes = (c.list("nodes") as Node[]).filter((n) => nodeShouldRunDaemonPod(n, ds).shouldRun);
    const pods = c.pods(name).filter((p) => !isTerminating(p) && isPodAvailable(p, ds.spec.minReadySeconds ?? 0, c.now));
    const missing = nodes.filter((n) => !pods.some((p) => p.spec?.nodeName === n.metadata.name)).length;
    if (!armed) {
      armed = missing === 0;
      return;
    }
    const allowed = Math.max(unavailableCount(ds, nodes.length), allowsSurge(ds) ? 0 : 1);
    if (missing > allowed) throw new Error(`${name}: ${missing} nodes without an available pod > ${allowed} (step ${c.steps})`);
  };
}
