/**
 * The only SQL for cluster objects: one table of current objects and one log of changes, in the
 * Durable Object's SQLite. Like kine, a single autoincrementing counter is the resourceVersion of every
 * write; the change log is what watches replay from, compacted to a window (older versions → 410 Gone).
 */
import type { KObject } from "../api/types";
import { PodIndex } from "./podIndex";
import { controllerUid, nodeNameOf, type Change, type ChangeType, type ListPage, type LogLine, type Store, type WorkItem } from "./types";

export type { Change, ChangeType, ListPage } from "./types";

/** Changes kept for watch replay; a watch from an older resourceVersion gets 410 Gone. */
const CHANGE_LOG_WINDOW = 20_000;
const COMPACT_EVERY = 1_000;

export class ObjectStore implements Store {
  private rv: number;
  private compactedRv: number;
  private writesSinceCompaction = 0;
  /**
   * Due times of queued work as last written here: a key already queued at or before the new due time
   * needs no statement (a node change enqueues every pending pod, 100 node changes × 5,000 pods adds up).
   * Forgotten on rollback; after a restart it starts empty and the upsert simply runs again.
   */
  private readonly queued = new Map<string, number>();
  /** Parsed pods by node, built on first use (see PodIndex). */
  private podIndex: PodIndex | undefined;
  /** Changes written since the last `takeChanges`, for the watch fan-out after commit. */
  private pending: Change[] = [];

  constructor(
    private readonly sql: SqlStorage,
    private readonly changeLogWindow = CHANGE_LOG_WINDOW,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS objects (
      resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
      rv INTEGER NOT NULL, data TEXT NOT NULL,
      owner TEXT NOT NULL DEFAULT '', node TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (resource, namespace, name)) WITHOUT ROWID`);
    // Controllers find their pods by owner, kubelets by node: both must stay cheap at 5,000 pods.
    sql.exec("CREATE INDEX IF NOT EXISTS objects_owner ON objects (resource, owner) WHERE owner != ''");
    sql.exec("CREATE INDEX IF NOT EXISTS objects_node ON objects (node) WHERE node != ''");
    sql.exec(`CREATE TABLE IF NOT EXISTS changes (
      rv INTEGER PRIMARY KEY, type TEXT NOT NULL, resource TEXT NOT NULL,
      namespace TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS work (controller TEXT NOT NULL, key TEXT NOT NULL, due INTEGER NOT NULL,
      PRIMARY KEY (controller, key)) WITHOUT ROWID`);
    sql.exec("CREATE INDEX IF NOT EXISTS work_due ON work (due)");
    sql.exec(`CREATE TABLE IF NOT EXISTS logs (namespace TEXT NOT NULL, pod TEXT NOT NULL, container TEXT NOT NULL,
      restart INTEGER NOT NULL, seq INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, text TEXT NOT NULL)`);
    sql.exec("CREATE INDEX IF NOT EXISTS logs_pod ON logs (namespace, pod, container, restart)");
    this.compactedRv = Number(this.meta("compactedRv") ?? 0);
    // The newest change is never compacted away, so the log's maximum is the current version.
    const newest = sql.exec<{ rv: number | null }>("SELECT max(rv) AS rv FROM changes").one().rv;
    this.rv = newest ?? this.compactedRv;
  }

  /** The newest resourceVersion: what a LIST reports and a watch without a version starts after. */
  get resourceVersion(): number {
    return this.rv;
  }

  /** Watches from a version at or below this one can no longer be replayed. */
  get oldestReplayableRv(): number {
    return this.compactedRv;
  }

  meta(key: string): string | undefined {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value);
  }

  get(resource: string, namespace: string, name: string): KObject | undefined {
    const row = this.sql
      .exec<{ data: string }>("SELECT data FROM objects WHERE resource = ? AND namespace = ? AND name = ?", resource, namespace, name)
      .toArray()[0];
    return row ? JSON.parse(row.data) : undefined;
  }

  /**
   * Objects of a resource in name order (namespace, then name when listing across namespaces),
   * starting after `after`. `limit` counts rows read; the caller filters by selector.
   */
  list(resource: string, namespace: string | undefined, after?: { namespace: string; name: string }, limit?: number): ListPage {
    const where = ["resource = ?"];
    const args: (string | number)[] = [resource];
    if (namespace !== undefined) {
      where.push("namespace = ?");
      args.push(namespace);
    }
    if (after) {
      where.push("(namespace, name) > (?, ?)");
      args.push(after.namespace, after.name);
    }
    const limitSql = limit ? ` LIMIT ${limit + 1}` : "";
    const rows = this.sql
      .exec<{ data: string; namespace: string; name: string }>(
        `SELECT data, namespace, name FROM objects WHERE ${where.join(" AND ")} ORDER BY namespace, name${limitSql}`,
        ...args,
      )
      .toArray();
    const more = limit !== undefined && rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      items: page.map((r) => JSON.parse(r.data)),
      next: more && last ? { namespace: last.namespace, name: last.name } : undefined,
    };
  }

  ownedBy(resource: string, ownerUid: string): KObject[] {
    return this.sql
      .exec<{ data: string }>("SELECT data FROM objects WHERE resource = ? AND owner = ? ORDER BY namespace, name", resource, ownerUid)
      .toArray()
      .map((r) => JSON.parse(r.data));
  }

  podsOnNode(node: string): KObject[] {
    return this.pods().podsOnNode(node) as KObject[];
  }

  allPods(namespace?: string): KObject[] {
    return this.pods().all(namespace) as KObject[];
  }

  private pods(): PodIndex {
    this.podIndex ??= new PodIndex(
      this.sql.exec<{ data: string }>("SELECT data FROM objects WHERE resource = 'pods'").toArray().map((r) => JSON.parse(r.data)),
    );
    return this.podIndex;
  }

  count(resource?: string): number {
    const row = resource
      ? this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM objects WHERE resource = ?", resource).one()
      : this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM objects").one();
    return row.n;
  }

  countsByResource(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const row of this.sql.exec<{ resource: string; n: number }>("SELECT resource, count(*) AS n FROM objects GROUP BY resource")) {
      counts[row.resource] = row.n;
    }
    return counts;
  }

  /**
   * Stores `object` (created or replaced) under the next resourceVersion, which it writes into
   * metadata.resourceVersion, and logs the change. Returns the stored object.
   */
  put(resource: string, object: KObject, previous?: KObject): KObject {
    const type = previous ? "MODIFIED" : "ADDED";
    const rv = this.nextRv();
    const stored: KObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } };
    const data = JSON.stringify(stored);
    const { namespace = "", name = "" } = stored.metadata;
    this.sql.exec(
      `INSERT INTO objects (resource, namespace, name, rv, data, owner, node) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(resource, namespace, name) DO UPDATE SET rv = excluded.rv, data = excluded.data, owner = excluded.owner, node = excluded.node`,
      resource, namespace, name, rv, data, controllerUid(stored), nodeNameOf(resource, stored),
    );
    this.log(rv, type, resource, namespace, name, data);
    this.pending.push({ type, resource, object: stored, previous });
    if (resource === "pods" && this.podIndex) return this.podIndex.put(stored);
    return stored;
  }

  /** Removes the object; the DELETED change carries its last state under a new resourceVersion. */
  remove(resource: string, object: KObject): KObject {
    const rv = this.nextRv();
    const last: KObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } };
    const { namespace = "", name = "" } = last.metadata;
    this.sql.exec("DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?", resource, namespace, name);
    this.log(rv, "DELETED", resource, namespace, name, JSON.stringify(last));
    this.pending.push({ type: "DELETED", resource, object: last, previous: object });
    if (resource === "pods") this.podIndex?.delete(object);
    return last;
  }

  /** Logged changes of a resource after `rv`, oldest first (the caller filters by namespace and selectors). */
  changesSince(resource: string, rv: number): { type: ChangeType; object: KObject }[] {
    return this.sql
      .exec<{ type: ChangeType; data: string }>("SELECT type, data FROM changes WHERE resource = ? AND rv > ? ORDER BY rv", resource, rv)
      .toArray()
      .map((r) => ({ type: r.type, object: JSON.parse(r.data) }));
  }

  /** The changes committed since the last call, oldest first. */
  takeChanges(): Change[] {
    const changes = this.pending;
    this.pending = [];
    return changes;
  }

  /** After a rolled-back transaction: forget the versions and changes made inside it. */
  reload(): void {
    this.pending = [];
    this.queued.clear();
    this.podIndex = undefined;
    const newest = this.sql.exec<{ rv: number | null }>("SELECT max(rv) AS rv FROM changes").one().rv;
    this.rv = newest ?? this.compactedRv;
  }

  private nextRv(): number {
    return ++this.rv;
  }

  private log(rv: number, type: ChangeType, resource: string, namespace: string, name: string, data: string): void {
    this.sql.exec("INSERT INTO changes (rv, type, resource, namespace, name, data) VALUES (?, ?, ?, ?, ?, ?)", rv, type, resource, namespace, name, data);
    if (++this.writesSinceCompaction >= Math.min(COMPACT_EVERY, this.changeLogWindow)) this.compact();
  }

  private compact(): void {
    this.writesSinceCompaction = 0;
    const horizon = this.rv - this.changeLogWindow;
    if (horizon <= this.compactedRv) return;
    this.sql.exec("DELETE FROM changes WHERE rv <= ?", horizon);
    this.compactedRv = horizon;
    this.setMeta("compactedRv", String(horizon));
  }

  enqueue(item: WorkItem): void {
    const id = `${item.controller}\u0000${item.key}`;
    const queued = this.queued.get(id);
    if (queued !== undefined && queued <= item.due) return;
    this.queued.set(id, item.due);
    this.sql.exec(
      "INSERT INTO work (controller, key, due) VALUES (?, ?, ?) ON CONFLICT(controller, key) DO UPDATE SET due = min(due, excluded.due)",
      item.controller, item.key, item.due,
    );
  }

  takeDue(now: number): WorkItem | undefined {
    const item = this.sql
      .exec<{ controller: string; key: string; due: number }>("SELECT controller, key, due FROM work WHERE due <= ? ORDER BY due LIMIT 1", now)
      .toArray()[0];
    if (item) {
      this.sql.exec("DELETE FROM work WHERE controller = ? AND key = ?", item.controller, item.key);
      this.queued.delete(`${item.controller}\u0000${item.key}`);
    }
    return item ? { controller: item.controller, key: item.key, due: item.due } : undefined;
  }

  nextDue(): number | undefined {
    return this.sql.exec<{ due: number | null }>("SELECT min(due) AS due FROM work").one().due ?? undefined;
  }

  queuedControllers(): string[] {
    return this.sql.exec<{ controller: string }>("SELECT DISTINCT controller FROM work ORDER BY controller").toArray().map((r) => r.controller);
  }

  appendLogs(namespace: string, pod: string, container: string, restart: number, lines: LogLine[]): void {
    for (const line of lines) {
      this.sql.exec("INSERT INTO logs (namespace, pod, container, restart, time, text) VALUES (?, ?, ?, ?, ?, ?)", namespace, pod, container, restart, line.time, line.text);
    }
  }

  readLogs(namespace: string, pod: string, container: string, restart: number): LogLine[] {
    return this.sql
      .exec<{ time: string; text: string }>("SELECT time, text FROM logs WHERE namespace = ? AND pod = ? AND container = ? AND restart = ? ORDER BY seq", namespace, pod, container, restart)
      .toArray()
      .map((r) => ({ time: r.time, text: r.text }));
  }

  dropLogs(namespace: string, pod: string): void {
    this.sql.exec("DELETE FROM logs WHERE namespace = ? AND pod = ?", namespace, pod);
  }
}
