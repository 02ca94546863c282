/**
 * The cloud provider's service controller (k8s.io/cloud-provider/controllers/service), for a
 * simulated cloud: a Service of type LoadBalancer gets the cleanup finalizer, a load balancer and its
 * address in status.loadBalancer.ingress, with upstream's events:
 *
 *   EnsuringLoadBalancer "Ensuring load balancer" → EnsuredLoadBalancer "Ensured load balancer"
 *
 * Addresses come from 172.18.255.0/24 (the simulated node network is 172.18.0.0/16, as kind's), the
 * lowest one no other Service holds. A Service that stops being a LoadBalancer, or is deleted, loses
 * its load balancer (DeletingLoadBalancer → DeletedLoadBalancer) and the finalizer. Services with a
 * spec.loadBalancerClass belong to another implementation and are left alone, as upstream does.
 */
import type { Service } from "kubernetes-types/core/v1";
import type { KObject } from "../api/types";
import { done, keyOf, splitKey, type Controller, type ObjectChange, type Snapshot, type Write } from "./types";

const SERVICES = "services";
const COMPONENT = "service-controller";
export const LOAD_BALANCER_CLEANUP_FINALIZER = "service.kubernetes.io/load-balancer-cleanup";
const POOL_PREFIX = "172.18.255.";

const asService = (obj: KObject) => obj as unknown as Service;

/** Whether this controller owns the Service's load balancer (wantsLoadBalancer, default class only). */
function wantsLoadBalancer(svc: Service): boolean {
  return svc.spec?.type === "LoadBalancer" && !svc.spec.loadBalancerClass && !svc.metadata?.deletionTimestamp;
}

const ingressIP = (svc: Service) => svc.status?.loadBalancer?.ingress?.[0]?.ip;

/** The lowest pool address no other Service's load balancer holds. */
function freeAddress(snapshot: Snapshot, self: KObject): string | undefined {
  const used = new Set(snapshot.list(SERVICES).filter((s) => s.metadata.uid !== self.metadata.uid).map((s) => ingressIP(asService(s))));
  for (let host = 1; host < 255; host++) if (!used.has(POOL_PREFIX + host)) return POOL_PREFIX + host;
  return undefined;
}

export function reconcileServiceLoadBalancer(key: string, snapshot: Snapshot): Write[] {
  const { namespace, name } = splitKey(key);
  const object = snapshot.get(SERVICES, namespace, name);
  if (!object) return [];
  const svc = asService(object);
  const finalizers = object.metadata.finalizers ?? [];
  const hasFinalizer = finalizers.includes(LOAD_BALANCER_CLEANUP_FINALIZER);
  const event = (reason: string, message: string, type: "Normal" | "Warning" = "Normal"): Write => ({ op: "event", involved: object, type, reason, message, component: COMPONENT });

  // One step per pass, each write carrying the resourceVersion it was computed from; the change it
  // makes brings the Service back for the next step.
  if (wantsLoadBalancer(svc)) {
    if (!hasFinalizer) {
      // The finalizer goes on first, so the balancer can never outlive its Service.
      return [{ op: "update", resource: SERVICES, object: { ...object, metadata: { ...object.metadata, finalizers: [...finalizers, LOAD_BALANCER_CLEANUP_FINALIZER] } } }];
    }
    if (ingressIP(svc)) return [];
    const ip = freeAddress(snapshot, object);
    if (!ip) return [event("SyncLoadBalancerFailed", "Error syncing load balancer: failed to ensure load balancer: no free address in 172.18.255.0/24", "Warning")];
    return [
      event("EnsuringLoadBalancer", "Ensuring load balancer"),
      { op: "status", resource: SERVICES, object: { ...object, status: { ...(object.status ?? {}), loadBalancer: { ingress: [{ ip, ipMode: "VIP" }] } } } },
      event("EnsuredLoadBalancer", "Ensured load balancer"),
    ];
  }
  // No longer ours (another type, or being deleted): the balancer goes, then the finalizer.
  if (ingressIP(svc) && !object.metadata.deletionTimestamp) {
    return [
      event("DeletingLoadBalancer", "Deleting load balancer"),
      { op: "status", resource: SERVICES, object: { ...object, status: { ...(object.status ?? {}), loadBalancer: {} } } },
    ];
  }
  if (!hasFinalizer) return [];
  return [
    ...(object.metadata.deletionTimestamp ? [event("DeletingLoadBalancer", "Deleting load balancer")] : []),
    { op: "update", resource: SERVICES, object: { ...object, metadata: { ...object.metadata, finalizers: finalizers.filter((f) => f !== LOAD_BALANCER_CLEANUP_FINALIZER) } } },
    event("DeletedLoadBalancer", "Deleted load balancer"),
  ];
}

export function createServiceLoadBalancerController(): Controller {
  return {
    name: COMPONENT,
    keysFor: (change: ObjectChange) => (change.resource === SERVICES ? [keyOf(change.object)] : []),
    reconcile: (key, snapshot) => done(reconcileServiceLoadBalancer(key, snapshot)),
  };
}
