/**
 * Subresources: status (get/put/patch of status only), scale (autoscaling/v1 Scale), pods/eviction,
 * pods/binding, pods/log, pods/exec, pods/attach, pods/portforward and serviceaccounts/token.
 */
import { readBody } from "./body";
import { ApiError, badRequest, invalid } from "./errors";
import { applyJsonPatch, applyMergePatch, patchTypeOf } from "./patch";
import { bindPod } from "./binding";
import { podLogs } from "./logs";
import { podAttach, podExec } from "./exec";
import { podPortForward } from "./portforward";
import { getObject, scaleOf, remove, update, rfc3339, type Target } from "./rest";
import type { ApiServer } from "./server";
import { writeOptions } from "./server";
import { isPlainObject, type KObject } from "./types";

type Handler = (server: ApiServer, request: Request, url: URL, target: Target, name: string) => Promise<Response>;

const methodNotAllowed = () => new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

const status: Handler = async (server, request, url, target, name) => {
  switch (request.method) {
    case "GET":
      return server.respond(request, target, getObject(server.context, target, name), 200);
    case "PUT": {
      const opts = writeOptions(url.searchParams);
      const body = await readBody(request);
      return server.respond(request, target, server.run(() => update(server.context, target, name, body, opts, "status")), 200, opts);
    }
    case "PATCH":
      return server.patch(request, target, name, "status");
  }
  throw methodNotAllowed();
};

const scale: Handler = async (server, request, url, target, name) => {
  const ctx = server.context;
  switch (request.method) {
    case "GET":
      return server.scaleResponse(target, getObject(ctx, target, name));
    case "PUT": {
      const body = await readBody(request);
      return server.scaleResponse(target, server.applyScale(target, name, body, writeOptions(url.searchParams)));
    }
    case "PATCH": {
      // A patch of the Scale view: apply it to the Scale, then write the resulting replicas back.
      const type = patchTypeOf(request.headers.get("content-type") ?? "");
      const body = await readBody(request);
      const current = scaleOf(target, getObject(ctx, target, name));
      const next = type === "json" ? applyJsonPatch(current, body) : applyMergePatch(current, body);
      return server.scaleResponse(target, server.applyScale(target, name, next, writeOptions(url.searchParams)));
    }
  }
  throw methodNotAllowed();
};

/** policy/v1 Eviction: deletes the pod (disruption budgets are checked once PDBs are enforced). */
const eviction: Handler = async (server, request, url, target, name) => {
  if (request.method !== "POST") throw methodNotAllowed();
  const body = (await readBody(request)) as { deleteOptions?: Record<string, unknown> } | undefined;
  const opts = { ...writeOptions(url.searchParams), ...(body?.deleteOptions ?? {}) };
  server.run(() => remove(server.context, target, name, opts));
  return Response.json({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 }, { status: 201 });
};

/** pods/binding: what a scheduler posts to bind a pod to a node. */
const binding: Handler = async (server, request, url, target, name) => {
  if (request.method !== "POST") throw methodNotAllowed();
  const body = (await readBody(request)) as { target?: { name?: string } } | undefined;
  const node = body?.target?.name;
  if (!node) throw invalid("Binding", "", name, [{ reason: "FieldValueRequired", field: "target.name", message: "Required value" }]);
  server.run(() => bindPod(server.context, target, name, node));
  return Response.json({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 }, { status: 201 });
};

const log: Handler = async (server, request, url, target, name) => {
  if (request.method !== "GET") throw methodNotAllowed();
  return podLogs(server.context, target, name, url.searchParams);
};

/** serviceaccounts/token: a TokenRequest answered with a (simulated) bound token. */
const token: Handler = async (server, request, _url, target, name) => {
  if (request.method !== "POST") throw methodNotAllowed();
  const sa = getObject(server.context, target, name);
  const body = ((await readBody(request)) ?? {}) as KObject;
  if (!isPlainObject(body)) throw badRequest("the body of the request must be a TokenRequest");
  const seconds = Number((body.spec as { expirationSeconds?: number } | undefined)?.expirationSeconds ?? 3600);
  const now = server.context.now();
  const claims = { iss: "https://kubernetes.default.svc.cluster.local", sub: `system:serviceaccount:${target.namespace}:${name}`, exp: Math.floor(now.getTime() / 1000) + seconds };
  const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return Response.json({
    kind: "TokenRequest",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { name, namespace: target.namespace, creationTimestamp: null },
    spec: { audiences: ["https://kubernetes.default.svc.cluster.local"], expirationSeconds: seconds, boundObjectRef: null, ...(body.spec as object) },
    status: { token: `${b64({ alg: "RS256", kid: sa.metadata.uid })}.${b64(claims)}.simulated`, expirationTimestamp: rfc3339(new Date(now.getTime() + seconds * 1000)) },
  }, { status: 201 });
};

export const subresourceHandlers: Record<string, Handler> = { status, scale, eviction, binding, log, token, exec: podExec, attach: podAttach, portforward: podPortForward };
