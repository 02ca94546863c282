/**
 * Watch fan-out: open watch streams of one cluster, each with its resource, namespace and selectors.
 * Committed changes are published here; an update that moves an object into or out of a watcher's
 * selector is sent as ADDED or DELETED, as upstream's watch cache does.
 */
import type { Change, ChangeType } from "../store/objects";
import { matchesFields, matchesLabels, type FieldSelector, type LabelSelector } from "./selectors";
import type { KObject } from "./types";

export interface WatchEvent {
  type: ChangeType | "BOOKMARK" | "ERROR";
  object: unknown;
}

export interface WatchFilter {
  resource: string;
  namespace?: string;
  labels: LabelSelector;
  fields: FieldSelector;
}

export interface Watcher {
  filter: WatchFilter;
  /** Renders and sends one event; the stream owns the encoding (plain objects or Table rows). */
  send(event: { type: ChangeType; object: KObject }): void;
  /** A keep-alive: a bookmark when the client allows them, else a bare newline. */
  heartbeat(resourceVersion: number): void;
  close(): void;
}

export function matches(filter: WatchFilter, obj: KObject | undefined): boolean {
  if (!obj) return false;
  if (filter.namespace !== undefined && obj.metadata.namespace !== filter.namespace) return false;
  return matchesLabels(filter.labels, obj.metadata.labels) && matchesFields(filter.fields, obj);
}

/** The event a watcher with `filter` sees for a change, if any. */
export function eventFor(filter: WatchFilter, change: Pick<Change, "type" | "object" | "previous">): { type: ChangeType; object: KObject } | undefined {
  const now = matches(filter, change.object);
  if (change.type !== "MODIFIED" || !change.previous) return now ? { type: change.type, object: change.object } : undefined;
  const before = matches(filter, change.previous);
  if (now && before) return { type: "MODIFIED", object: change.object };
  if (now) return { type: "ADDED", object: change.object };
  if (before) return { type: "DELETED", object: change.object };
  return undefined;
}

/** Keeps idle streams open through proxies and client-node 2.x's 30-second inactivity timeout. */
export const HEARTBEAT_MS = 15_000;

export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private timer: ReturnType<typeof setInterval> | undefined;

  /** `currentRv` is read at each heartbeat for bookmarks. */
  constructor(private readonly currentRv: () => number) {}

  get size(): number {
    return this.watchers.size;
  }

  add(watcher: Watcher): void {
    this.watchers.add(watcher);
    this.timer ??= setInterval(() => this.heartbeat(this.currentRv()), HEARTBEAT_MS);
  }

  remove(watcher: Watcher): void {
    this.watchers.delete(watcher);
    if (this.watchers.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  publish(changes: Change[]): void {
    if (this.watchers.size === 0) return;
    for (const change of changes) {
      for (const watcher of this.watchers) {
        if (watcher.filter.resource !== change.resource) continue;
        const event = eventFor(watcher.filter, change);
        if (event) watcher.send(event);
      }
    }
  }

  heartbeat(resourceVersion: number): void {
    for (const watcher of this.watchers) watcher.heartbeat(resourceVersion);
  }

  closeAll(): void {
    for (const watcher of [...this.watchers]) watcher.close();
  }
}
