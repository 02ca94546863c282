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
const CREATE_VERBS = ["create"];

const verbsOf = (type: ResourceType) => (type.createOnly ? CREATE_VERBS : type.readOnly ? READ_VERBS : WRITE_VERBS);

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
    case "exec":
      return { kind: "PodExecOptions", verbs: ["create", "get"] };
    case "attach":
      return { kind: "PodAttachOptions", verbs: ["create", "get"] };
    case "portforward":
      return { kind: "PodPortForwardOptions", verbs: ["create", "get"] };
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
      verbs: verbsOf(type),
      ...(type.shortNames ? { shortNames: type.shortNames } : {}),
      ...(type.categories ? { categories: type.categories } : {}),
    });
    for (const sub of [...(type.subresources ?? [])].sort()) {
      resources.push({ name: `${type.plural}/${sub}`, singularName: "", namespaced: type.namespaced, ...subresourceEntry(type, sub) });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersion(group, version), resources };
}

/** The media type kubectl asks for first; it reads an aggregated document only under exactly this type. */
export const AGGREGATED_DISCOVERY_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/** Whether a discovery request accepts the aggregated (one round trip) form. */
export function wantsAggregated(accept: string | null): boolean {
  return (accept ?? "").split(",").some((part) => {
    const params = part.replace(/\s+/g, "");
    return params.includes("g=apidiscovery.k8s.io") && params.includes("v=v2;") && params.includes("as=APIGroupDiscoveryList");
  });
}

function resourceDiscovery(type: ResourceType) {
  return {
    resource: type.plural,
    responseKind: { group: type.group, version: type.versions[0], kind: type.kind },
    scope: type.namespaced ? "Namespaced" : "Cluster",
    singularResource: type.singular,
    verbs: verbsOf(type),
    ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    ...(type.categories ? { categories: type.categories } : {}),
    ...(type.subresources?.length
      ? {
          subresources: [...type.subresources].sort().map((sub) => {
            const entry = subresourceEntry(type, sub);
            return {
              subresource: sub,
              responseKind: { group: "group" in entry ? entry.group : type.group, version: "version" in entry ? entry.version : type.versions[0], kind: entry.kind },
              verbs: entry.verbs,
            };
          }),
        }
      : {}),
  };
}

/**
 * apidiscovery.k8s.io/v2 APIGroupDiscoveryList: `/api` holds the core group (named ""), `/apis` the
 * others, each version listing its resources with their subresources, preferred version first.
 */
export function aggregatedDiscovery(core: boolean, extraGroups: { name: string; versions: { version: string; resources: unknown[] }[] }[] = []) {
  const groups = core ? [{ name: "", versions: ["v1"] }] : apiGroups();
  const items = groups.map((group) => ({
    metadata: { name: group.name, creationTimestamp: null },
    versions: group.versions.map((version) => ({
      version,
      resources: RESOURCE_TYPES.filter((t) => t.group === group.name && t.versions.includes(version))
        .sort((a, b) => a.plural.localeCompare(b.plural))
        .map((t) => {
          const entry = resourceDiscovery(t);
          return { ...entry, responseKind: { ...entry.responseKind, version } };
        }),
      freshness: "Current",
    })),
  }));
  if (!core) {
    for (const group of extraGroups) items.push({ metadata: { name: group.name, creationTimestamp: null }, versions: group.versions.map((v) => ({ ...v, resources: v.resources as never[], freshness: "Current" })) });
  }
  return { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items };
}
