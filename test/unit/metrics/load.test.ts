/** Which Services a pod serves, and what finding that out costs when a namespace has many Services. */
import { describe, expect, it } from "vitest";
import type { KObject } from "../../../src/api/types";
import type { Snapshot } from "../../../src/controllers/types";
import { LoadModel } from "../../../src/sim/metrics";
import { phpPod, service, snapshotOf } from "./fixtures";

/** Counts the objects a snapshot hands out, by resource (a SQLite-backed snapshot parses each one). */
function counting(snapshot: Snapshot): { snapshot: Snapshot; reads: Record<string, number> } {
  const reads: Record<string, number> = {};
  const count = (resource: string, n: number) => (reads[resource] = (reads[resource] ?? 0) + n);
  return {
    reads,
    snapshot: {
      ...snapshot,
      get: (resource, namespace, name) => {
        const o = snapshot.get(resource, namespace, name);
        count(resource, o ? 1 : 0);
        return o;
      },
      list: (resource, namespace) => {
        const items = snapshot.list(resource, namespace);
        count(resource, items.length);
        return items;
      },
    },
  };
}

describe("the Services a pod serves", () => {
  const manual = (name: string, pod: string): KObject[] => [
    service(name, undefined),
    { apiVersion: "v1", kind: "Endpoints", metadata: { name, namespace: "default" }, subsets: [{ addresses: [{ ip: "10.0.0.1", targetRef: { kind: "Pod", name: pod } }] }] },
  ];

  it("are those whose selector picks it, and selector-less ones whose Endpoints name it", () => {
    const a = phpPod("a");
    const other = phpPod("other", { labels: { run: "other" } });
    const objects = [a, other, service("php-apache", { run: "php-apache" }), service("unrelated", { run: "other" }), ...manual("manual-a", "a"), ...manual("manual-other", "other")];
    const load = new LoadModel(snapshotOf(objects));
    expect(load.servicesOf(a).map((s) => s.metadata.name)).toEqual(["manual-a", "php-apache"]);
    expect(load.servicesOf(phpPod("not-ready", { ready: false }))).toEqual([]);
  });

  it("read each Service once, not again per Service with every pod filtered (100 Services, one pod)", () => {
    const services = Array.from({ length: 100 }, (_, i) => service(`svc-${i}`, { run: `app-${i}` }));
    const pods = Array.from({ length: 100 }, (_, i) => phpPod(`app-${i}`, { labels: { run: `app-${i}` } }));
    const { snapshot, reads } = counting(snapshotOf([...services, ...pods]));
    const load = new LoadModel(snapshot);
    const before = { ...reads };
    expect(load.servicesOf(pods[7]).map((s) => s.metadata.name)).toEqual(["svc-7"]);
    expect(reads.services - (before.services ?? 0)).toBe(100);
    expect(reads.pods - (before.pods ?? 0)).toBe(0);
  });
});
