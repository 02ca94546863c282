import type { ObjectMeta as UpstreamObjectMeta } from "kubernetes-types/meta/v1";

/** kubernetes-types marks server-set fields readonly; the API server is the one that sets them. */
export type ObjectMeta = { -readonly [K in keyof UpstreamObjectMeta]: UpstreamObjectMeta[K] };

/** Any Kubernetes object as stored and served: JSON with apiVersion, kind and metadata. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A JSON value as parsed from a request body. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type JsonObject = { [key: string]: unknown };

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
