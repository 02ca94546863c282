/**
 * LIST and WATCH: paging with `limit`/`continue`, label and field selectors, and watch streams that
 * start with synthetic ADDED events (no resourceVersion), or replay the change log after a given one,
 * or answer 410 Expired when that version is compacted away.
 */
import { gone, badRequest } from "./errors";
import { present, resourceOf, type ApiContext, type Target } from "./rest";
import type { FieldSelector, LabelSelector } from "./selectors";
import type { KObject } from "./types";
import { matches, eventFor, type WatchFilter } from "./watch";

export interface ListQuery {
  labels: LabelSelector;
  fields: FieldSelector;
  limit?: number;
  continueToken?: string;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
  continueToken?: string;
}

interface ContinueKey {
  namespace: string;
  name: string;
}

function encodeContinue(key: ContinueKey, rv: number): string {
  return btoa(JSON.stringify({ v: "meta.k8s.io/v1", rv, start: key }));
}

function decodeContinue(token: string): ContinueKey {
  try {
    const parsed = JSON.parse(atob(token));
    if (typeof parsed?.start?.namespace === "string" && typeof parsed.start.name === "string") return parsed.start;
  } catch {
    // fall through
  }
  throw badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
}

/** Upstream reads in chunks and filters; so do we, scanning rows in key order until `limit` match. */
const SCAN_BATCH = 500;

export function listObjects(ctx: ApiContext, target: Target, namespace: string | undefined, query: ListQuery): ListResult {
  const resource = resourceOf(target);
  const filter: WatchFilter = { resource, namespace, labels: query.labels, fields: query.fields };
  const items: KObject[] = [];
  let after = query.continueToken ? decodeContinue(query.continueToken) : undefined;
  let next: ContinueKey | undefined;
  for (;;) {
    const page = ctx.store.list(resource, namespace, after, SCAN_BATCH);
    for (const obj of page.items) {
      if (query.limit !== undefined && items.length === query.limit) {
        next = { namespace: items[items.length - 1].metadata.namespace ?? "", name: items[items.length - 1].metadata.name! };
        break;
      }
      if (matches(filter, obj)) items.push(obj);
    }
    if (next || !page.next) break;
    after = page.next;
  }
  const rv = ctx.store.resourceVersion;
  return {
    items: items.map((o) => present(target, o)),
    resourceVersion: String(rv),
    continueToken: next ? encodeContinue(next, rv) : undefined,
  };
}

/**
 * The events a new watch starts with: every matching object as ADDED when no version (or "0") is
 * given, else the logged changes after that version. Throws 410 when the log no longer reaches back.
 */
export function initialWatchEvents(ctx: ApiContext, target: Target, filter: WatchFilter, resourceVersion: string | undefined): { type: "ADDED" | "MODIFIED" | "DELETED"; object: KObject }[] {
  if (!resourceVersion || resourceVersion === "0") {
    const result = listObjects(ctx, target, filter.namespace, { labels: filter.labels, fields: filter.fields });
    return result.items.map((object) => ({ type: "ADDED", object }));
  }
  const from = Number(resourceVersion);
  if (!Number.isInteger(from) || from < 0) throw badRequest(`invalid resource version: ${resourceVersion}`);
  if (from < ctx.store.oldestReplayableRv) {
    throw gone(`too old resource version: ${from} (${ctx.store.oldestReplayableRv + 1})`);
  }
  const events = [];
  for (const change of ctx.store.changesSince(filter.resource, from)) {
    const event = eventFor(filter, change);
    if (event) events.push({ type: event.type, object: present(target, event.object) });
  }
  return events;
}
