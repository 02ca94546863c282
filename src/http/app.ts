/**
 * The Worker's HTTP surface: health, the management API under /v1, its OpenAPI document and docs
 * page, and each cluster's Kubernetes API under /clusters/{id}, proxied to the cluster's Durable Object.
 */
import { Hono } from "hono";
import { MAX_BODY_BYTES } from "../api/body";
import { ApiError, statusResponse, tooLarge, unauthorized } from "../api/errors";
import type { Env } from "../env";
import { ClusterRegistry } from "../tenancy/registry";
import { bearerToken } from "../tenancy/tokens";
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

/** Sends the request to cluster `id`'s object as `path`, query and body untouched. */
function toCluster(env: Env, id: string, request: Request, path: string): Promise<Response> {
  // Refuse an oversized body here, before it crosses into the Durable Object.
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
  const url = new URL(request.url);
  url.pathname = path || "/";
  return env.CLUSTERS.get(env.CLUSTERS.idFromName(id)).fetch(new Request(url, request));
}

/** /clusters/{id}/api/v1/pods → /api/v1/pods on the cluster's object. */
app.all("/clusters/:id/*", (c) => {
  const id = c.req.param("id");
  return toCluster(c.env, id, c.req.raw, new URL(c.req.url).pathname.slice(`/clusters/${id}`.length));
});

/**
 * The Kubernetes API without the /clusters/{id} prefix, found by token: client-go's `RequestURI`
 * (`kubectl get --raw /apis/...`) replaces the server URL's path instead of appending to it.
 */
const UNPREFIXED = ["/api", "/api/*", "/apis", "/apis/*", "/version", "/openapi/*", "/livez", "/readyz"];
for (const path of UNPREFIXED) {
  app.all(path, async (c) => {
    const token = bearerToken(c.req.header("authorization") ?? null);
    const id = token && (await new ClusterRegistry(c.env.DB).idForToken(token));
    if (!id) throw unauthorized();
    return toCluster(c.env, id, c.req.raw, new URL(c.req.url).pathname);
  });
}
