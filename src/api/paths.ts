/**
 * Parses Kubernetes REST paths:
 *   /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}
 *   /apis/{group}/{version}/{resource}/{name}/{subresource}
 * A cluster-scoped `namespaces/{name}` is told from a namespaced `namespaces/{ns}/{resource}` by
 * whether the third segment names a namespaced resource of that group-version.
 */
import { findResource, RESOURCE_TYPES, type ResourceType } from "./resources";

export interface ResourcePath {
  type: ResourceType;
  group: string;
  version: string;
  /** Present for namespaced requests; absent for cluster-scoped ones and for lists across namespaces. */
  namespace?: string;
  name?: string;
  subresource?: string;
}

export type ParsedPath =
  | { kind: "resource"; path: ResourcePath }
  | { kind: "groupVersion"; group: string; version: string }
  | { kind: "unknownResource"; group: string; version: string; resource: string }
  | { kind: "other" };

export function parsePath(pathname: string): ParsedPath {
  const segments = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === "api" && segments.length >= 2) {
    [group, version, rest] = ["", segments[1], segments.slice(2)];
  } else if (segments[0] === "apis" && segments.length >= 3) {
    [group, version, rest] = [segments[1], segments[2], segments.slice(3)];
  } else {
    return { kind: "other" };
  }
  if (rest.length === 0) return { kind: "groupVersion", group, version };

  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const namespaced = RESOURCE_TYPES.some((t) => t.group === group && t.plural === rest[2] && t.namespaced && t.versions.includes(version));
    if (namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const [resource, name, subresource, ...extra] = rest;
  const type = findResource(group, version, resource);
  if (!type || extra.length) return { kind: "unknownResource", group, version, resource };
  if (type.namespaced && namespace === undefined && name !== undefined) {
    return { kind: "unknownResource", group, version, resource };
  }
  return { kind: "resource", path: { type, group, version, namespace, name, subresource } };
}
