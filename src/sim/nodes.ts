/**
 * Simulated nodes as a kubeadm-style cluster shows them: `node-1`…`node-N`, each 4 CPUs, 16 GiB of
 * memory and 110 pods, with its own /24 pod CIDR from 10.244.0.0/16 and an internal IP.
 */
import type { KObject } from "../api/types";

export const NODE_CAPACITY = { cpu: "4", "ephemeral-storage": "102398Mi", "hugepages-2Mi": "0", memory: "16Gi", pods: "110" };
export const KUBELET_VERSION = "v1.31.0";

export function nodeName(index: number): string {
  return `node-${index}`;
}

/** A Ready node numbered `index` (1-based), as the kubelet registers it. */
export function newNode(index: number, now: string, name = nodeName(index)): KObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
      },
      annotations: {
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
    },
    spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`], providerID: `kubeflare://${name}` },
    status: readyNodeStatus(index, now, name),
  };
}

/**
 * What a kubelet adds when it registers a Node someone created by hand (`kubectl apply` of a bare
 * Node): the well-known labels, a pod CIDR, and a Ready status with the default capacity.
 */
export function registerNode(node: KObject, index: number, now: string): void {
  const registered = newNode(index, now, node.metadata.name);
  node.metadata.labels = { ...registered.metadata.labels, ...node.metadata.labels };
  node.metadata.annotations = { ...registered.metadata.annotations, ...node.metadata.annotations };
  node.spec = { ...(registered.spec as object), ...(node.spec as object) };
  const given = (node.status ?? {}) as { capacity?: Record<string, string>; allocatable?: Record<string, string> };
  const status = registered.status as { capacity: Record<string, string>; allocatable: Record<string, string> };
  // A manifest may ask for a bigger or smaller machine; allocatable follows capacity unless given.
  if (given.capacity) {
    status.capacity = { ...status.capacity, ...given.capacity };
    status.allocatable = { ...status.allocatable, ...(given.allocatable ?? given.capacity) };
  }
  node.status = status;
}

/** 172.18.0.2, 172.18.0.3, …: node addresses as kind's docker network hands them out. */
function internalIP(index: number): string {
  const n = index + 1;
  return `172.18.${Math.floor(n / 256)}.${n % 256}`;
}

export function readyNodeStatus(index: number, now: string, name = nodeName(index)) {
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message,
  });
  return {
    capacity: { ...NODE_CAPACITY },
    allocatable: { ...NODE_CAPACITY },
    conditions: [
      condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
      condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
      condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
      condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ],
    addresses: [
      { type: "InternalIP", address: internalIP(index) },
      { type: "Hostname", address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: `kubeflare-${name}`,
      systemUUID: `kubeflare-${name}`,
      bootID: `kubeflare-${name}`,
      kernelVersion: "6.1.0-kubeflare",
      osImage: "Debian GNU/Linux 12 (bookworm)",
      containerRuntimeVersion: "containerd://1.7.18",
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: "linux",
      architecture: "amd64",
    },
  };
}
