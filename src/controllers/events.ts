/**
 * The event recorder: core/v1 Events about objects, aggregated as upstream's EventCorrelator does:
 * the same source, object, type, reason and message again bumps `count` and `lastTimestamp` of one
 * Event instead of writing a new one.
 */
import { create, rfc3339, type ApiContext, type Target } from "../api/rest";
import { RESOURCE_TYPES } from "../api/resources";
import type { KObject } from "../api/types";
import type { Write } from "./types";

type EventWrite = Extract<Write, { op: "event" }>;

const EVENTS = RESOURCE_TYPES.find((t) => t.plural === "events" && t.group === "")!;

/** FNV-1a, twice, as 16 hex digits: a stable name suffix shaped like upstream's timestamp suffix. */
function hash16(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
}

export function recordEvent(ctx: ApiContext, e: EventWrite): void {
  const involved: KObject = e.involved;
  // Events about cluster-scoped objects (nodes) live in "default", as upstream's recorder puts them.
  const namespace = involved.metadata.namespace || "default";
  const name = `${involved.metadata.name}.${hash16([e.component, involved.metadata.uid, e.type, e.reason, e.message, e.fieldPath ?? ""].join("\u0000"))}`;
  const now = rfc3339(ctx.now());
  const existing = ctx.store.get("events", namespace, name);
  if (existing) {
    const updated = { ...existing, count: ((existing.count as number) ?? 1) + 1, lastTimestamp: now };
    ctx.store.put("events", updated, existing);
    return;
  }
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
