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
export function newNode(index: number, now: string): KObject {
  const name = nodeName(index);
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
    status: readyNodeStatus(index, now),
  };
}

export function readyNodeStatus(index: number, now: string) {
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
      { type: "InternalIP", address: `172.18.0.${index + 1}` },
      { type: "Hostname", address: nodeName(index) },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: `kubeflare-${nodeName(index)}`,
      systemUUID: `kubeflare-${nodeName(index)}`,
      bootID: `kubeflare-${nodeName(index)}`,
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
