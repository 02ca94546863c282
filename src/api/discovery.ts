/**
 * Discovery documents: /version, legacy /api, /apis, /api/v1 and /apis/{group}/{version}
 * (APIResourceLists), built from the resource registry. Subresources are listed after their resource
 * (client-node picks the first resource with a matching kind).
 */
import { apiGroups, groupVersion, RESOURCE_TYPES, type ResourceType, type Subresource } from "./resources";

export const KUBERNETES_VERSION = { major: "1", minor: "31", gitVersion: "v1.31.0" };

export function versionInfo() {
  return {
    ...KUBERNETES_VERSION,
    gitCommit: "kubeflare",
    gitTreeState: "clean",
    buildDate: "2026-11-01T00:00:00Z",
    goVersion: "go1.22.5",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

const WRITE_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const READ_VERBS = ["get", "list"];

/** What each subresource is, as the real apiserver lists it. */
function subresourceEntry(type: ResourceType, sub: Subresource) {
  switch (sub) {
    case "status":
      return { kind: type.kind, verbs: ["get", "patch", "update"] };
    case "scale":
      return { group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] };
    case "log":
      return { kind: "Pod", verbs: ["get"] };
    case "eviction":
      return { group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] };
    case "binding":
      return { kind: "Binding", verbs: ["create"] };
    case "token":
      return { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest", verbs: ["create"] };
  }
}

export function apiVersions() {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:6443" }],
  };
}

function groupEntry(name: string, versions: string[]) {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(extraGroups: { name: string; versions: string[] }[] = []) {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...apiGroups(), ...extraGroups].map((g) => groupEntry(g.name, g.versions)),
  };
}

export function apiGroup(name: string) {
  const group = apiGroups().find((g) => g.name === name);
  return group ? { kind: "APIGroup", apiVersion: "v1", ...groupEntry(group.name, group.versions) } : undefined;
}

export function apiResourceList(group: string, version: string) {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.versions.includes(version));
  if (types.length === 0) return undefined;
  const resources = [];
  for (const type of [...types].sort((a, b) => a.plural.localeCompare(b.plural))) {
    resources.push({
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: type.readOnly ? READ_VERBS : WRITE_VERBS,
      ...(type.shortNames ? { shortNames: type.shortNames } : {}),
      ...(type.categories ? { categories: type.categories } : {}),
    });
    for (const sub of [...(type.subresources ?? [])].sort()) {
      resources.push({ name: `${type.plural}/${sub}`, singularName: "", namespaced: type.namespaced, ...subresourceEntry(type, sub) });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersion(group, version), resources };
}
