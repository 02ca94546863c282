/**
 * The Worker's HTTP surface: health, the management API under /v1, its OpenAPI document and docs
 * page, and each cluster's Kubernetes API under /clusters/{id}, proxied to the cluster's Durable Object.
 */
import { Hono } from "hono";
import { MAX_BODY_BYTES } from "../api/body";
import { ApiError, statusResponse, tooLarge } from "../api/errors";
import type { Env } from "../env";
import { docsPage, OPENAPI_YAML } from "./docs";
import { management } from "./management";

export const app = new Hono<{ Bindings: Env }>();

app.onError((error) => {
  if (!(error instanceof ApiError)) console.error(error);
  return statusResponse(error);
});

app.notFound(() => statusResponse(new ApiError(404, "NotFound", "the server could not find the requested resource")));

app.get("/healthz", (c) => c.text("ok"));
app.get("/openapi.yaml", (c) => c.body(OPENAPI_YAML, 200, { "content-type": "application/yaml" }));
app.get("/docs", (c) => c.html(docsPage()));
app.route("/v1", management);

/** /clusters/{id}/api/v1/pods → /api/v1/pods on the cluster's object, query and body untouched. */
app.all("/clusters/:id/*", (c) => {
  // Refuse an oversized body here, before it crosses into the Durable Object.
  if (Number(c.req.header("content-length") ?? 0) > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
  const id = c.req.param("id");
  const url = new URL(c.req.url);
  url.pathname = url.pathname.slice(`/clusters/${id}`.length) || "/";
  const stub = c.env.CLUSTERS.get(c.env.CLUSTERS.idFromName(id));
  return stub.fetch(new Request(url, c.req.raw));
});
