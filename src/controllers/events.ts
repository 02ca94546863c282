/**
 * The event recorder: core/v1 Events about objects, aggregated as upstream's EventCorrelator does:
 * the same source, object, type, reason and message again bumps `count` and `lastTimestamp` of one
 * Event instead of writing a new one. Names are upstream's `<object>.<creation time in ns, hex>`, so
 * `kubectl get events` and `kubectl describe` list them in the order they happened. Events live an
 * hour after their last occurrence (the apiserver's --event-ttl); expired ones are swept when a new
 * event is recorded, at most once a minute, so a quiet cluster needs no timer for them.
 */
import { create, rfc3339, type ApiContext, type Target } from "../api/rest";
import { RESOURCE_TYPES } from "../api/resources";
import type { KObject } from "../api/types";
import type { Store } from "../store/types";
import type { Write } from "./types";

type EventWrite = Extract<Write, { op: "event" }>;

const EVENTS = RESOURCE_TYPES.find((t) => t.plural === "events" && t.group === "")!;

/** Aggregation keys remembered per cluster, as upstream's correlator keeps an LRU of 4096 in memory. */
const CORRELATOR_SIZE = 4096;
export const EVENT_TTL_MS = 60 * 60_000;
const SWEEP_EVERY_MS = 60_000;

interface RecorderState {
  /** Aggregation key → event name. */
  names: Map<string, string>;
  lastSweep: number;
}
const recorders = new WeakMap<Store, RecorderState>();

function recorder(store: Store): RecorderState {
  let state = recorders.get(store);
  if (!state) recorders.set(store, (state = { names: new Map(), lastSweep: -Infinity }));
  return state;
}

/** Deletes events whose last occurrence is more than EVENT_TTL_MS before `now`. */
function sweepExpired(ctx: ApiContext, now: number): void {
  for (const event of ctx.store.list("events", undefined).items) {
    const last = Date.parse(String(event.lastTimestamp ?? event.firstTimestamp ?? ""));
    if (now - last > EVENT_TTL_MS) ctx.store.remove("events", event);
  }
}

/** `<object>.<ns since the epoch, hex>`, made unique within the millisecond the clock gives. */
function eventName(ctx: ApiContext, object: string, namespace: string): string {
  let nanos = BigInt(ctx.now().getTime()) * 1_000_000n;
  let name = `${object}.${nanos.toString(16)}`;
  while (ctx.store.get("events", namespace, name)) name = `${object}.${(++nanos).toString(16)}`;
  return name;
}

export function recordEvent(ctx: ApiContext, e: EventWrite): void {
  const involved: KObject = e.involved;
  // Events about cluster-scoped objects (nodes) live in "default", as upstream's recorder puts them.
  const namespace = involved.metadata.namespace || "default";
  const key = [namespace, e.component, involved.metadata.uid, e.type, e.reason, e.message, e.fieldPath ?? ""].join("\u0000");
  const now = rfc3339(ctx.now());
  const state = recorder(ctx.store);
  const cache = state.names;
  const known = cache.get(key);
  const existing = known === undefined ? undefined : ctx.store.get("events", namespace, known);
  // The name is checked against the key's facts: a rolled-back transaction may have freed it for another.
  if (existing && existing.reason === e.reason && existing.message === e.message && (existing.involvedObject as { uid?: string })?.uid === involved.metadata.uid) {
    const updated = { ...existing, count: ((existing.count as number) ?? 1) + 1, lastTimestamp: now };
    ctx.store.put("events", updated, existing);
    cache.delete(key);
    cache.set(key, known!);
    return;
  }
  const at = ctx.now().getTime();
  if (at - state.lastSweep >= SWEEP_EVERY_MS) {
    state.lastSweep = at;
    sweepExpired(ctx, at);
  }
  const name = eventName(ctx, involved.metadata.name ?? "", namespace);
  if (cache.size >= CORRELATOR_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, name);
  const target: Target = { type: EVENTS, version: "v1", namespace };
  create(ctx, target, {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace },
    involvedObject: {
      kind: involved.kind,
      namespace: involved.metadata.namespace,
      name: involved.metadata.name,
      uid: involved.metadata.uid,
      apiVersion: involved.apiVersion,
      resourceVersion: involved.metadata.resourceVersion,
      ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
    },
    reason: e.reason,
    message: e.message,
    source: { component: e.component, ...(e.host ? { host: e.host } : {}) },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type: e.type,
    eventTime: null,
    reportingComponent: e.component,
    reportingInstance: e.host ?? "",
  });
}
