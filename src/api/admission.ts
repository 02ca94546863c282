/**
 * What upstream's admission and allocators do to a new object before it is stored: Services get a
 * ClusterIP from the service CIDR and NodePorts from 30000–32767, as the apiserver's allocators do.
 */
import { invalid } from "./errors";
import { registerNode } from "../sim/nodes";
import { rfc3339, type ApiContext, type Target } from "./rest";
import type { KObject } from "./types";

/** 10.96.0.0/12, like kubeadm's default; .1 is the `kubernetes` Service. */
const SERVICE_CIDR_BASE = (10 << 24) | (96 << 16);
const SERVICE_CIDR_SIZE = 1 << 20;
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

export function ipv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function admitCreate(ctx: ApiContext, target: Target, obj: KObject): void {
  if (target.type.kind === "Service") allocateService(ctx, obj);
  if (target.type.kind === "Node" && !(obj.status as { nodeInfo?: unknown } | undefined)?.nodeInfo) {
    registerNode(obj, nextNodeIndex(ctx), rfc3339(ctx.now()));
  }
}

/** The lowest node number whose pod CIDR (10.244.<n>.0/24) no existing node uses. */
function nextNodeIndex(ctx: ApiContext): number {
  const used = new Set(ctx.store.list("nodes", undefined).items.map((n) => (n.spec as { podCIDR?: string }).podCIDR));
  let index = 1;
  while (used.has(`10.244.${index}.0/24`)) index++;
  return index;
}

function allocateService(ctx: ApiContext, svc: KObject): void {
  const spec = (svc.spec ??= {}) as { type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: { nodePort?: number }[] };
  const used = usedServiceAddresses(ctx);
  if (spec.type !== "ExternalName") {
    if (!spec.clusterIP) {
      spec.clusterIP = nextFreeIp(used.ips);
    } else if (spec.clusterIP !== "None" && used.ips.has(spec.clusterIP)) {
      throw invalid("Service", "", svc.metadata.name ?? "", [{
        reason: "FieldValueInvalid", field: "spec.clusterIPs",
        message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`,
      }]);
    }
    spec.clusterIPs = [spec.clusterIP];
  }
  if (spec.type === "NodePort" || spec.type === "LoadBalancer") {
    let next = NODE_PORT_MIN;
    for (const port of spec.ports ?? []) {
      if (port.nodePort) continue;
      while (used.nodePorts.has(next) && next <= NODE_PORT_MAX) next++;
      port.nodePort = next;
      used.nodePorts.add(next);
    }
  }
  svc.status = { loadBalancer: {} };
}

function usedServiceAddresses(ctx: ApiContext): { ips: Set<string>; nodePorts: Set<number> } {
  const ips = new Set<string>();
  const nodePorts = new Set<number>();
  let after: { namespace: string; name: string } | undefined;
  do {
    const page = ctx.store.list("services", undefined, after, 500);
    for (const svc of page.items) {
      const spec = svc.spec as { clusterIP?: string; ports?: { nodePort?: number }[] };
      if (spec?.clusterIP) ips.add(spec.clusterIP);
      for (const p of spec?.ports ?? []) if (p.nodePort) nodePorts.add(p.nodePort);
    }
    after = page.next;
  } while (after);
  return { ips, nodePorts };
}

/** The lowest free address after .1 (reserved for the `kubernetes` Service) in the service CIDR. */
function nextFreeIp(used: Set<string>): string {
  for (let offset = 10; offset < SERVICE_CIDR_SIZE - 1; offset++) {
    const ip = ipv4(SERVICE_CIDR_BASE + offset);
    if (!used.has(ip)) return ip;
  }
  throw new Error("service CIDR exhausted");
}
