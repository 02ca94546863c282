/**
 * Pods by node, parsed once and frozen: the scheduler reads every node's pods for every decision and
 * the kubelet its node's, so re-reading them from SQLite would dominate (≈30 decisions/s instead of
 * thousands). The index is built on first use from one query, kept in step with every write, and
 * hands back the same frozen array for a node until one of its pods changes. Unbound pods are under "".
 */
import type { KObject } from "../api/types";
import { nodeNameOf } from "./types";

const keyOf = (pod: KObject) => `${pod.metadata.namespace ?? ""}/${pod.metadata.name}`;

/** Freezes a parsed object and everything in it, so a reader that mutates it fails loudly. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export class PodIndex {
  private readonly byNode = new Map<string, Map<string, KObject>>();
  private readonly nodeOfKey = new Map<string, string>();
  private readonly arrays = new Map<string, readonly KObject[]>();
  /** Every pod, by namespace ("" key: all namespaces), cached until a pod there changes. */
  private readonly byNamespace = new Map<string, readonly KObject[]>();

  constructor(pods: Iterable<KObject>) {
    for (const pod of pods) this.add(deepFreeze(pod));
  }

  podsOnNode(node: string): readonly KObject[] {
    let array = this.arrays.get(node);
    if (!array) {
      array = Object.freeze([...(this.byNode.get(node)?.values() ?? [])].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1)));
      this.arrays.set(node, array);
    }
    return array;
  }

  /** All pods (of one namespace, when given) in (namespace, name) order. */
  all(namespace?: string): readonly KObject[] {
    const cacheKey = namespace ?? "";
    let array = this.byNamespace.get(cacheKey);
    if (!array) {
      const pods: KObject[] = [];
      for (const node of this.byNode.values()) {
        for (const pod of node.values()) if (namespace === undefined || pod.metadata.namespace === namespace) pods.push(pod);
      }
      array = Object.freeze(pods.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1)));
      this.byNamespace.set(cacheKey, array);
    }
    return array;
  }

  get(namespace: string, name: string): KObject | undefined {
    const key = `${namespace}/${name}`;
    const node = this.nodeOfKey.get(key);
    return node === undefined ? undefined : this.byNode.get(node)?.get(key);
  }

  /** Records a stored pod (created or updated); returns the frozen object kept. */
  put(pod: KObject): KObject {
    this.delete(pod);
    return this.add(deepFreeze(pod));
  }

  delete(pod: KObject): void {
    const key = keyOf(pod);
    const node = this.nodeOfKey.get(key);
    if (node === undefined) return;
    this.byNode.get(node)?.delete(key);
    this.nodeOfKey.delete(key);
    this.arrays.delete(node);
    this.forgetNamespace(pod);
  }

  private add(pod: KObject): KObject {
    const key = keyOf(pod);
    const node = nodeNameOf("pods", pod);
    let pods = this.byNode.get(node);
    if (!pods) this.byNode.set(node, (pods = new Map()));
    pods.set(key, pod);
    this.nodeOfKey.set(key, node);
    this.arrays.delete(node);
    this.forgetNamespace(pod);
    return pod;
  }

  private forgetNamespace(pod: KObject): void {
    this.byNamespace.delete("");
    this.byNamespace.delete(pod.metadata.namespace ?? "");
  }
}
