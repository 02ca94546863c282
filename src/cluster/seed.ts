/**
 * What a brand-new cluster holds, as `kubeadm init` plus its controllers leave it: the four system
 * namespaces (each with its default ServiceAccount and root CA ConfigMap), the `kubernetes` Service,
 * N Ready nodes and a default StorageClass.
 */
import { create, rfc3339, type ApiContext, type Target } from "../api/rest";
import { RESOURCE_TYPES } from "../api/resources";
import { newNode } from "../sim/nodes";

const SYSTEM_NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"];

function target(kind: string, namespace = ""): Target {
  const type = RESOURCE_TYPES.find((t) => t.kind === kind)!;
  return { type, version: type.versions[0], namespace };
}

export function seedCluster(ctx: ApiContext, nodes: number): void {
  for (const name of SYSTEM_NAMESPACES) create(ctx, target("Namespace"), { metadata: { name } });
  create(ctx, target("Service", "default"), {
    metadata: { name: "kubernetes", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] },
  });
  // The apiserver itself keeps the `kubernetes` Service's endpoints (it has no selector).
  const apiserver = { addresses: [{ ip: "172.18.0.2" }], ports: [{ name: "https", port: 6443, protocol: "TCP" }] };
  create(ctx, target("Endpoints", "default"), { metadata: { name: "kubernetes", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } }, subsets: [apiserver] });
  create(ctx, target("EndpointSlice", "default"), {
    metadata: { name: "kubernetes", labels: { "kubernetes.io/service-name": "kubernetes" } },
    addressType: "IPv4",
    endpoints: [{ addresses: ["172.18.0.2"], conditions: { ready: true } }],
    ports: [{ name: "https", port: 6443, protocol: "TCP" }],
  });
  const now = rfc3339(ctx.now());
  for (let i = 1; i <= nodes; i++) create(ctx, target("Node"), newNode(i, now));
  create(ctx, target("StorageClass"), {
    metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "kubeflare.dev/simulated-disk",
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
  });
}
