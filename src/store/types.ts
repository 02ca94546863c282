/**
 * What the API machinery and the reconcile runtime need from storage. The Durable Object uses the
 * SQLite ObjectStore; scenario tests in plain Node use the MemoryStore.
 */
import type { KObject } from "../api/types";

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

export interface Change {
  type: ChangeType;
  resource: string;
  object: KObject;
  /** The object before this change (absent for ADDED and for replays from the log). */
  previous?: KObject;
}

export interface ListPage {
  items: KObject[];
  /** Where the next page starts, or undefined on the last page. */
  next?: { namespace: string; name: string };
}

/** A unit of controller work: run `controller` on `key` at `due` (ms since the epoch). */
export interface WorkItem {
  controller: string;
  key: string;
  due: number;
}

export interface LogLine {
  time: string;
  text: string;
}

export interface Store {
  readonly resourceVersion: number;
  readonly oldestReplayableRv: number;
  meta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  get(resource: string, namespace: string, name: string): KObject | undefined;
  list(resource: string, namespace: string | undefined, after?: { namespace: string; name: string }, limit?: number): ListPage;
  /** Objects whose controller ownerReference has `ownerUid` (an index, not a scan). */
  ownedBy(resource: string, ownerUid: string): KObject[];
  /** Pods bound to `node` (an index, not a scan). */
  podsOnNode(node: string): KObject[];
  /** Every pod, optionally of one namespace, from the same in-memory index. */
  allPods(namespace?: string): KObject[];
  count(resource?: string): number;
  countsByResource(): Record<string, number>;
  put(resource: string, object: KObject, previous?: KObject): KObject;
  remove(resource: string, object: KObject): KObject;
  changesSince(resource: string, rv: number): { type: ChangeType; object: KObject }[];
  takeChanges(): Change[];
  reload(): void;

  /** Adds work, or moves existing work for the same (controller, key) earlier. */
  enqueue(item: WorkItem): void;
  /** Removes and returns the earliest item due at or before `now`. */
  takeDue(now: number): WorkItem | undefined;
  /** The earliest due time of any queued work, or undefined when there is none. */
  nextDue(): number | undefined;
  /** Queued work per controller, for the cluster summary. */
  queuedControllers(): string[];

  appendLogs(namespace: string, pod: string, container: string, restart: number, lines: LogLine[]): void;
  readLogs(namespace: string, pod: string, container: string, restart: number): LogLine[];
  /** Forgets a deleted pod's logs. */
  dropLogs(namespace: string, pod: string): void;
}

/** The uid of an object's controller ownerReference, the owner index key. */
export function controllerUid(obj: KObject): string {
  return obj.metadata.ownerReferences?.find((r) => r.controller)?.uid ?? "";
}

/** spec.nodeName of a pod, the node index key. */
export function nodeNameOf(resource: string, obj: KObject): string {
  return resource === "pods" ? ((obj.spec as { nodeName?: string } | undefined)?.nodeName ?? "") : "";
}
