/**
 * The Kubernetes API of one cluster: discovery, OpenAPI and the REST verbs on every served resource.
 * Runs inside the cluster's Durable Object, after authentication. Writes run inside `commit`, which the
 * shell makes one storage transaction followed by the watch fan-out.
 */
import { readBody, mediaType } from "./body";
import {
  AGGREGATED_DISCOVERY_V2, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo, wantsAggregated,
} from "./discovery";
import { ApiError, badRequest, methodNotSupported, notFound, statusResponse } from "./errors";
import { initialWatchEvents, listObjects, type ListQuery } from "./list";
import { openapiDocument, openapiRoot } from "./openapi";
import { OPENAPI_V2_CONTENT_TYPE, openapiV2Protobuf } from "./openapiV2";
import { METRICS_GROUPS, metricsDiscovery, metricsResourceList, metricsResponse } from "./metrics";
import { patchTypeOf } from "./patch";
import { parsePath, type ResourcePath } from "./paths";
import {
  applyScale, create, getObject, patch, present, remove, resourceOf, scaleOf, update,
  type ApiContext, type DeleteOptions, type FieldValidation, type Target, type WriteOptions,
} from "./rest";
import { groupVersion } from "./resources";
import { parseFieldSelector, parseLabelSelector } from "./selectors";
import { toTable, type IncludeObject } from "./tables";
import type { KObject } from "./types";
import { WatchHub, type WatchFilter, type Watcher } from "./watch";
import { subresourceHandlers } from "./subresources";
import { answerReview } from "./policy/reviews";

export type Commit = <T>(write: () => T) => T;

/** How long a watch stays open without timeoutSeconds: upstream's 30–60 minutes, at the low end. */
const DEFAULT_WATCH_SECONDS = 30 * 60;

const json = (body: unknown, status = 200, headers?: HeadersInit) => Response.json(body, { status, headers });

export class ApiServer {
  constructor(
    private readonly ctx: ApiContext,
    private readonly hub: WatchHub,
    private readonly commit: Commit,
  ) {}

  async handle(request: Request): Promise<Response> {
    try {
      return await this.route(request);
    } catch (error) {
      if (!(error instanceof ApiError)) console.error("api error", error);
      return statusResponse(error);
    }
  }

  private async route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const method = request.method;
    if (method === "GET") {
      switch (path) {
        case "/version":
          return json(versionInfo());
        case "/api":
        case "/apis":
          if (wantsAggregated(request.headers.get("accept"))) {
            return new Response(JSON.stringify(aggregatedDiscovery(path === "/api", metricsDiscovery())), {
              headers: { "content-type": AGGREGATED_DISCOVERY_V2 },
            });
          }
          return json(path === "/api" ? apiVersions() : apiGroupList(METRICS_GROUPS));
        case "/healthz":
        case "/readyz":
        case "/livez":
          return new Response("ok", { headers: { "content-type": "text/plain" } });
        case "/openapi/v3":
          return json(openapiRoot());
        case "/openapi/v2":
          // kubectl asks for protobuf only, to validate `kind: List` manifests client-side.
          return new Response(openapiV2Protobuf(), { headers: { "content-type": OPENAPI_V2_CONTENT_TYPE } });
      }
      if (path.startsWith("/openapi/v3/")) {
        const doc = openapiDocument(path.slice("/openapi/v3/".length));
        if (doc) return json(doc, 200, { "cache-control": "public, immutable" });
      }
      if (/^\/apis\/(metrics|custom\.metrics|external\.metrics)\.k8s\.io\//.test(path)) {
        const list = metricsResourceList(path.split("/")[2]);
        if (list && path.split("/").length === 4) return json(list);
        const body = metricsResponse(this.ctx, path, url.searchParams);
        if (body) return json(body);
      }
      const group = /^\/apis\/([^/]+)$/.exec(path);
      if (group) {
        const body = apiGroup(group[1]);
        if (body) return json(body);
      }
    }
    const parsed = parsePath(path);
    if (parsed.kind === "groupVersion" && method === "GET") {
      const list = apiResourceList(parsed.group, parsed.version);
      if (list) return json(list);
    }
    if (parsed.kind === "unknownResource") {
      throw notFound(parsed.resource, parsed.group, "");
    }
    if (parsed.kind !== "resource") {
      throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    }
    return this.resource(request, url, parsed.path);
  }

  private async resource(request: Request, url: URL, path: ResourcePath): Promise<Response> {
    const { type, name, subresource } = path;
    const target: Target = { type, version: path.version, namespace: path.namespace ?? "" };
    const q = url.searchParams;
    const method = request.method;

    if (type.createOnly) {
      // Reviews: a POST on the collection, answered and never stored.
      if (method !== "POST" || name !== undefined || subresource) throw methodNotSupported(type.plural, type.group, method === "GET" ? (name ? "get" : "list") : method.toLowerCase());
      return json(answerReview(target, await readBody(request)), 201);
    }

    if (subresource) {
      const handler = subresourceHandlers[subresource];
      if (!handler || !type.subresources?.includes(subresource as never)) {
        throw new ApiError(404, "NotFound", "the server could not find the requested resource");
      }
      return handler(this, request, url, target, name!);
    }

    if (name === undefined) {
      switch (method) {
        case "GET":
          return q.get("watch") === "true" || q.get("watch") === "1"
            ? this.watch(request, url, target, path.namespace)
            : this.list(request, url, target, path.namespace);
        case "POST": {
          if (!type.namespaced || path.namespace !== undefined) {
            const opts = writeOptions(q);
            const body = await readBody(request);
            const created = this.commit(() => create(this.ctx, target, body, opts));
            return this.respond(request, target, created, 201, opts);
          }
          break;
        }
        case "DELETE":
          return this.deleteCollection(request, url, target, path.namespace);
      }
      throw methodNotSupported(type.plural, type.group, method === "POST" ? "create" : method.toLowerCase());
    }

    switch (method) {
      case "GET":
        return this.respond(request, target, getObject(this.ctx, target, name), 200);
      case "PUT": {
        const opts = writeOptions(q);
        const body = await readBody(request);
        const updated = this.commit(() => update(this.ctx, target, name, body, opts));
        return this.respond(request, target, updated, 200, opts);
      }
      case "PATCH":
        return this.patch(request, target, name, "main");
      case "DELETE": {
        const opts = await deleteOptions(request, q);
        const { object, gone } = this.commit(() => remove(this.ctx, target, name, opts));
        return this.deleted(target, object, gone);
      }
    }
    throw methodNotSupported(type.plural, type.group, method.toLowerCase());
  }

  async patch(request: Request, target: Target, name: string, scope: "main" | "status"): Promise<Response> {
    const q = new URL(request.url).searchParams;
    const contentType = mediaType(request.headers.get("content-type"));
    const patchType = patchTypeOf(contentType);
    if (!patchType) {
      throw new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    }
    const opts = { ...writeOptions(q), force: q.get("force") === "true" };
    const body = await readBody(request);
    const { object, created } = this.commit(() => patch(this.ctx, target, name, patchType, body, opts, scope));
    return this.respond(request, target, object, created ? 201 : 200, opts);
  }

  /** One object, as JSON or (kubectl get) as a one-row Table. */
  respond(request: Request, target: Target, obj: KObject, status: number, opts?: WriteOptions): Response {
    const headers = warningHeaders(opts?.warnings);
    const table = tableRequest(request);
    if (table) {
      const t = toTable(target.type, [present(target, obj)], { includeObject: table, now: this.ctx.now().getTime() });
      return json({ ...t, metadata: { resourceVersion: obj.metadata.resourceVersion } }, status, headers);
    }
    return json(present(target, obj), status, headers);
  }

  private deleted(target: Target, object: KObject, gone: boolean): Response {
    // Upstream returns the object while its deletion is pending (and always for pods and
    // namespaces); an object removed at once is reported as a Status.
    if (!gone || target.type.kind === "Pod" || target.type.kind === "Namespace") return json(present(target, object));
    return json({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: { name: object.metadata.name, group: target.type.group, kind: target.type.plural, uid: object.metadata.uid },
    });
  }

  private listQuery(q: URLSearchParams, target: Target): ListQuery {
    const limit = q.get("limit");
    return {
      labels: parseLabelSelector(q.get("labelSelector") ?? ""),
      fields: parseFieldSelector(q.get("fieldSelector") ?? "", target.type.kind, target.type.group),
      limit: limit && Number(limit) > 0 ? Number(limit) : undefined,
      continueToken: q.get("continue") || undefined,
    };
  }

  private list(request: Request, url: URL, target: Target, namespace: string | undefined): Response {
    const result = listObjects(this.ctx, target, namespace, this.listQuery(url.searchParams, target));
    const metadata = { resourceVersion: result.resourceVersion, ...(result.continueToken ? { continue: result.continueToken } : {}) };
    const table = tableRequest(request);
    if (table) {
      return json({ ...toTable(target.type, result.items, { includeObject: table, now: this.ctx.now().getTime() }), metadata });
    }
    const apiVersion = groupVersion(target.type.group, target.version);
    return json({
      kind: `${target.type.kind}List`,
      apiVersion,
      metadata,
      items: result.items.map(({ apiVersion: _a, kind: _k, ...item }) => item),
    });
  }

  private deleteCollection(request: Request, url: URL, target: Target, namespace: string | undefined): Promise<Response> {
    return deleteOptions(request, url.searchParams).then((opts) => {
      const query = this.listQuery(url.searchParams, target);
      const deleted = this.commit(() => {
        const { items } = listObjects(this.ctx, target, namespace, { ...query, limit: undefined, continueToken: undefined });
        return items.map((item) => {
          const t = { ...target, namespace: item.metadata.namespace ?? "" };
          return present(t, remove(this.ctx, t, item.metadata.name!, opts).object);
        });
      });
      return json({
        kind: `${target.type.kind}List`,
        apiVersion: groupVersion(target.type.group, target.version),
        metadata: { resourceVersion: String(this.ctx.store.resourceVersion) },
        items: deleted,
      });
    });
  }

  private watch(request: Request, url: URL, target: Target, namespace: string | undefined): Response {
    const q = url.searchParams;
    const query = this.listQuery(q, target);
    const filter: WatchFilter = { resource: resourceOf(target), namespace, labels: query.labels, fields: query.fields };
    const initial = initialWatchEvents(this.ctx, target, filter, q.get("resourceVersion") ?? undefined);
    const table = tableRequest(request);
    const bookmarks = q.get("allowWatchBookmarks") === "true";
    const timeoutSeconds = Number(q.get("timeoutSeconds")) || DEFAULT_WATCH_SECONDS;
    const encoder = new TextEncoder();
    const hub = this.hub;
    const ctx = this.ctx;
    let columnsSent = false;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const render = (type: string, obj: KObject) => {
      if (!table) return { type, object: present(target, obj) };
      const t = toTable(target.type, [present(target, obj)], { includeObject: table, now: ctx.now().getTime() });
      const object = columnsSent ? { ...t, columnDefinitions: [] } : t;
      columnsSent = true;
      return { type, object: { ...object, metadata: { resourceVersion: obj.metadata.resourceVersion } } };
    };
    const write = (event: unknown) => {
      try {
        controller.enqueue(encoder.encode(JSON.stringify(event) + "\n"));
      } catch {
        watcher.close();
      }
    };
    const watcher: Watcher = {
      filter,
      send: (event) => write(render(event.type, event.object)),
      heartbeat: (rv) => {
        if (!bookmarks) {
          try { controller.enqueue(encoder.encode("\n")); } catch { watcher.close(); }
          return;
        }
        write({ type: "BOOKMARK", object: { kind: target.type.kind, apiVersion: groupVersion(target.type.group, target.version), metadata: { resourceVersion: String(rv) } } });
      },
      close: () => {
        hub.remove(watcher);
        if (timer) clearTimeout(timer);
        try { controller.close(); } catch { /* already closed */ }
      },
    };
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
        // Initial events are already in their presented form; render would present them again.
        for (const event of initial) write(table ? render(event.type, event.object) : event);
        hub.add(watcher);
        timer = setTimeout(() => watcher.close(), timeoutSeconds * 1000);
      },
      cancel() {
        watcher.close();
      },
    });
    // "identity" keeps the runtime from gzipping the stream, which would hold events back in its buffer.
    return new Response(stream, { headers: { "content-type": "application/json", "cache-control": "no-cache, private", "content-encoding": "identity" } });
  }

  // Exposed to the subresource handlers.
  get context(): ApiContext {
    return this.ctx;
  }

  run<T>(write: () => T): T {
    return this.commit(write);
  }

  scaleResponse(target: Target, obj: KObject): Response {
    return json(scaleOf(target, obj));
  }

  applyScale(target: Target, name: string, scale: unknown, opts: WriteOptions): KObject {
    return this.commit(() => applyScale(this.ctx, target, name, scale, opts));
  }
}

/** includeObject for a Table request (Accept names as=Table), or undefined for plain JSON. */
function tableRequest(request: Request): IncludeObject | undefined {
  const accept = request.headers.get("accept") ?? "";
  if (!/as=Table/.test(accept)) return undefined;
  const include = new URL(request.url).searchParams.get("includeObject");
  return include === "Object" || include === "None" ? include : "Metadata";
}

export function writeOptions(q: URLSearchParams): WriteOptions {
  const dryRun = q.getAll("dryRun");
  if (dryRun.some((d) => d !== "All")) throw badRequest(`Invalid dry run value: ${dryRun.join(",")}`);
  const fieldValidation = (q.get("fieldValidation") ?? "Ignore") as FieldValidation;
  if (!["Strict", "Warn", "Ignore"].includes(fieldValidation)) {
    throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict"`);
  }
  return { dryRun: dryRun.length > 0, fieldManager: q.get("fieldManager") ?? undefined, fieldValidation, warnings: [] };
}

/** DeleteOptions from the body (kubectl) or the query (client-node, curl). */
async function deleteOptions(request: Request, q: URLSearchParams): Promise<DeleteOptions> {
  const body = ((await readBody(request)) ?? {}) as Record<string, any>;
  const propagationPolicy = body.propagationPolicy ?? q.get("propagationPolicy") ?? undefined;
  if (propagationPolicy && !["Background", "Foreground", "Orphan"].includes(propagationPolicy)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const grace = body.gracePeriodSeconds ?? q.get("gracePeriodSeconds");
  return {
    ...writeOptions(q),
    dryRun: (body.dryRun ?? q.getAll("dryRun")).includes?.("All") ?? false,
    propagationPolicy: propagationPolicy ?? (body.orphanDependents === true ? "Orphan" : undefined),
    gracePeriodSeconds: grace === null || grace === undefined ? undefined : Number(grace),
    preconditions: body.preconditions,
  };
}

function warningHeaders(warnings: string[] | undefined): HeadersInit | undefined {
  if (!warnings?.length) return undefined;
  const headers = new Headers();
  for (const warning of warnings) headers.append("Warning", `299 - ${JSON.stringify(warning)}`);
  return headers;
}
