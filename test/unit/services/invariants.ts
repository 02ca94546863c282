/** Safety properties of Endpoints and EndpointSlices that must hold after every reconcile step. */
import type { Endpoints } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { expect } from "vitest";
import { ENDPOINTS } from "../../../src/controllers/endpoints";
import { ENDPOINT_SLICES, ENDPOINTSLICE_CONTROLLER, MANAGED_BY_LABEL, MAX_ENDPOINTS_PER_SLICE, SERVICE_NAME_LABEL } from "../../../src/controllers/endpointSlices";
import { Cluster, type Invariant } from "./harness";
import { node } from "./fixtures";

/** An address is listed once per Endpoints: never both ready and not ready. */
const endpointsAddressesUnique: Invariant = (cluster) => {
  for (const obj of cluster.list(ENDPOINTS)) {
    const ep = obj as unknown as Endpoints;
    for (const subset of ep.subsets ?? []) {
      const ips = [...(subset.addresses ?? []), ...(subset.notReadyAddresses ?? [])].map((a) => a.ip);
      expect(new Set(ips).size, `${ep.metadata?.name} lists an address twice`).toBe(ips.length);
    }
  }
};

/** Managed slices: labelled, owned by one Service, at most 100 endpoints, each pod in one slice. */
const slicesWellFormed: Invariant = (cluster) => {
  const seen = new Map<string, string>();
  for (const obj of cluster.list(ENDPOINT_SLICES)) {
    const slice = obj as unknown as EndpointSlice;
    const labels = slice.metadata?.labels ?? {};
    if (labels[MANAGED_BY_LABEL] !== ENDPOINTSLICE_CONTROLLER) continue;
    expect(labels[SERVICE_NAME_LABEL]).toBeTruthy();
    const owners = (slice.metadata?.ownerReferences ?? []).filter((o) => o.controller);
    expect(owners).toHaveLength(1);
    expect(owners[0]).toMatchObject({ apiVersion: "v1", kind: "Service", name: labels[SERVICE_NAME_LABEL], blockOwnerDeletion: true });
    expect(slice.endpoints.length).toBeLessThanOrEqual(MAX_ENDPOINTS_PER_SLICE);
    for (const ep of slice.endpoints) {
      const id = `${slice.metadata?.namespace}/${labels[SERVICE_NAME_LABEL]}/${ep.targetRef?.uid}`;
      expect(seen.get(id), `${id} in ${seen.get(id)} and ${slice.metadata?.name}`).toBeUndefined();
      seen.set(id, slice.metadata!.name!);
      // For compatibility, a terminating endpoint is never ready (publishNotReadyAddresses aside).
      if (ep.conditions?.terminating && ep.conditions.ready) {
        const svc = cluster.get("services", slice.metadata!.namespace!, labels[SERVICE_NAME_LABEL]);
        expect((svc?.spec as { publishNotReadyAddresses?: boolean } | undefined)?.publishNotReadyAddresses).toBe(true);
      }
    }
  }
};

export const SERVICE_INVARIANTS: Invariant[] = [endpointsAddressesUnique, slicesWellFormed];

/** A cluster with three Ready nodes and the default namespace, running `controllers`. */
export function newCluster(controllers: ConstructorParameters<typeof Cluster>[0], invariants = SERVICE_INVARIANTS): Cluster {
  const cluster = new Cluster(controllers, invariants);
  cluster.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } });
  for (let i = 1; i <= 3; i++) cluster.create("nodes", node(i));
  return cluster.settle();
}
