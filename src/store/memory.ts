/**
 * The Store in plain memory, for scenario tests in Node: same contract as the SQLite ObjectStore
 * (one resourceVersion counter, a change log, owner and node indexes). Objects it hands out are
 * deep-frozen, so a controller that mutates what it read fails loudly.
 */
import type { KObject } from "../api/types";
import { deepFreeze, PodIndex } from "./podIndex";
import { controllerUid, type Change, type ChangeType, type ListPage, type LogLine, type Store, type WorkItem } from "./types";


const keyOf = (namespace: string, name: string) => `${namespace}\u0000${name}`;

export class MemoryStore implements Store {
  private rv = 0;
  private readonly objects = new Map<string, Map<string, KObject>>();
  private readonly log: { rv: number; type: ChangeType; resource: string; object: KObject }[] = [];
  private readonly metaData = new Map<string, string>();
  private pending: Change[] = [];
  private readonly queue = new Map<string, WorkItem>();
  private readonly podIndex = new PodIndex([]);
  private readonly logs = new Map<string, LogLine[]>();

  get resourceVersion(): number {
    return this.rv;
  }

  get oldestReplayableRv(): number {
    return 0;
  }

  meta(key: string): string | undefined {
    return this.metaData.get(key);
  }

  setMeta(key: string, value: string): void {
    this.metaData.set(key, value);
  }

  private table(resource: string): Map<string, KObject> {
    let table = this.objects.get(resource);
    if (!table) this.objects.set(resource, (table = new Map()));
    return table;
  }

  get(resource: string, namespace: string, name: string): KObject | undefined {
    return this.table(resource).get(keyOf(namespace, name));
  }

  list(resource: string, namespace: string | undefined, after?: { namespace: string; name: string }, limit?: number): ListPage {
    const rows = [...this.table(resource).entries()]
      .filter(([, o]) => namespace === undefined || (o.metadata.namespace ?? "") === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .filter(([k]) => !after || k > keyOf(after.namespace, after.name))
      .map(([, o]) => o);
    if (limit === undefined || rows.length <= limit) return { items: rows };
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, next: { namespace: last.metadata.namespace ?? "", name: last.metadata.name! } };
  }

  ownedBy(resource: string, ownerUid: string): KObject[] {
    return this.list(resource, undefined).items.filter((o) => controllerUid(o) === ownerUid);
  }

  allPods(namespace?: string): KObject[] {
    return this.podIndex.all(namespace) as KObject[];
  }

  podsOnNode(node: string): KObject[] {
    return this.podIndex.podsOnNode(node) as KObject[];
  }

  count(resource?: string): number {
    if (resource) return this.table(resource).size;
    return [...this.objects.values()].reduce((n, t) => n + t.size, 0);
  }

  countsByResource(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [resource, table] of this.objects) if (table.size) counts[resource] = table.size;
    return counts;
  }

  put(resource: string, object: KObject, previous?: KObject): KObject {
    const stored = deepFreeze(structuredClone({ ...object, metadata: { ...object.metadata, resourceVersion: String(++this.rv) } }));
    this.table(resource).set(keyOf(stored.metadata.namespace ?? "", stored.metadata.name!), stored);
    if (resource === "pods") this.podIndex.put(stored);
    const type = previous ? "MODIFIED" : "ADDED";
    this.log.push({ rv: this.rv, type, resource, object: stored });
    this.pending.push({ type, resource, object: stored, previous });
    return stored;
  }

  remove(resource: string, object: KObject): KObject {
    const last = deepFreeze(structuredClone({ ...object, metadata: { ...object.metadata, resourceVersion: String(++this.rv) } }));
    this.table(resource).delete(keyOf(object.metadata.namespace ?? "", object.metadata.name!));
    if (resource === "pods") this.podIndex.delete(object);
    this.log.push({ rv: this.rv, type: "DELETED", resource, object: last });
    this.pending.push({ type: "DELETED", resource, object: last, previous: object });
    return last;
  }

  changesSince(resource: string, rv: number): { type: ChangeType; object: KObject }[] {
    return this.log.filter((c) => c.resource === resource && c.rv > rv).map(({ type, object }) => ({ type, object }));
  }

  takeChanges(): Change[] {
    const changes = this.pending;
    this.pending = [];
    return changes;
  }

  /** Memory writes are not transactional; scenario tests never roll back. */
  reload(): void {
    this.pending = [];
  }

  enqueue(item: WorkItem): void {
    const id = `${item.controller}\u0000${item.key}`;
    const existing = this.queue.get(id);
    if (!existing || item.due < existing.due) this.queue.set(id, item);
  }

  takeDue(now: number): WorkItem | undefined {
    let best: WorkItem | undefined;
    for (const item of this.queue.values()) if (item.due <= now && (!best || item.due < best.due)) best = item;
    if (best) this.queue.delete(`${best.controller}\u0000${best.key}`);
    return best;
  }

  nextDue(): number | undefined {
    let due: number | undefined;
    for (const item of this.queue.values()) if (due === undefined || item.due < due) due = item.due;
    return due;
  }

  queuedControllers(): string[] {
    return [...new Set([...this.queue.values()].map((i) => i.controller))].sort();
  }

  appendLogs(namespace: string, pod: string, container: string, restart: number, lines: LogLine[]): void {
    const id = [namespace, pod, container, restart].join("\u0000");
    this.logs.set(id, [...(this.logs.get(id) ?? []), ...lines]);
  }

  readLogs(namespace: string, pod: string, container: string, restart: number): LogLine[] {
    return this.logs.get([namespace, pod, container, restart].join("\u0000")) ?? [];
  }

  dropLogs(namespace: string, pod: string): void {
    for (const id of this.logs.keys()) if (id.startsWith(`${namespace}\u0000${pod}\u0000`)) this.logs.delete(id);
  }
}
