/**
 * Pod IP allocation, as host-local IPAM does on a node: the lowest free address of the node's pod
 * CIDR, starting at .2 (.0 is the network, .1 the bridge/gateway). Deterministic: the same set of
 * live pods always yields the same answer, and an address is reused once its pod has finished.
 */
import type { KObject } from "../../api/types";
import { SANDBOX_ANNOTATION } from "./record";

function parseIPv4(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    n = n * 256 + Number(part);
  }
  return n;
}

function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/**
 * The lowest free host address ≥ network+2 in `cidr`, or undefined when the range is exhausted.
 * Example: 10.244.1.0/24 with 10.244.1.2 and .4 in use → "10.244.1.3".
 */
export function allocateIP(cidr: string, inUse: Iterable<string>): string | undefined {
  const [base, bits] = cidr.split("/");
  const network = parseIPv4(base);
  const prefix = Number(bits);
  if (network === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 30) return undefined;
  const size = 2 ** (32 - prefix);
  const first = network - (network % size);
  const used = new Set<number>();
  for (const ip of inUse) {
    const n = parseIPv4(ip);
    if (n !== undefined) used.add(n);
  }
  for (let n = first + 2; n < first + size - 1; n++) if (!used.has(n)) return formatIPv4(n);
  return undefined;
}


/**
 * Addresses held by live pods on a node other than `selfUid`: their status podIP or the sandbox
 * record's IP (written in the same step, so either is enough). Finished pods have released theirs
 * (their sandbox is gone); hostNetwork pods use the node's address and hold none.
 */
export function podIPsInUse(pods: KObject[], selfUid: string | undefined): string[] {
  const ips: string[] = [];
  for (const pod of pods) {
    if (pod.metadata.uid === selfUid) continue;
    const spec = pod.spec as { hostNetwork?: boolean } | undefined;
    if (spec?.hostNetwork) continue;
    const status = pod.status as { phase?: string; podIP?: string } | undefined;
    if (status?.phase === "Succeeded" || status?.phase === "Failed") continue;
    if (status?.podIP) ips.push(status.podIP);
    const raw = pod.metadata.annotations?.[SANDBOX_ANNOTATION];
    if (raw) {
      try {
        const ip = (JSON.parse(raw) as { ip?: string }).ip;
        if (ip) ips.push(ip);
      } catch {
        // A hand-edited annotation holds no address we can trust.
      }
    }
  }
  return ips;
}
