/**
 * Scheduling throughput: 5,000 pending pods of one ReplicaSet onto 100 nodes, one reconcile per
 * pod, binds applied to a per-node index between decisions as the runtime would. Not a test; run:
 *
 *   npx tsx test/unit/scheduler/bench.ts
 *
 * Two snapshot styles are measured: the index hands out the same frozen array for a node until its
 * pods change (sums are memoised), or a fresh array on every call (everything is re-summed).
 */
import type { KObject } from "../../../src/api/types";
import type { Snapshot } from "../../../src/controllers/types";
import { createScheduler } from "../../../src/sim/scheduler";
import { FAST_SETTINGS } from "../../../src/sim/settings";
import { deepFreeze, nodes, replicaSet, seeded } from "./harness";

type Mode = "stable frozen arrays" | "fresh arrays of the same frozen pods" | "freshly parsed pods (no object cache)";

function bench(nodeCount: number, podCount: number, mode: Mode): { perSecond: number; ms: number; spread: [number, number] } {
  const nodeList = nodes(nodeCount).map((n) => deepFreeze(n));
  const [rs, ...pending] = replicaSet("load", podCount, { cpu: "50m", memory: "64Mi" }).map((o, i) =>
    deepFreeze({ ...o, metadata: { ...o.metadata, uid: `uid-${i}`, resourceVersion: "1", creationTimestamp: "2026-01-01T12:00:00Z" } }),
  );
  const pods = new Map<string, KObject>(pending.map((p) => [p.metadata.name!, p]));
  const byNode = new Map<string, KObject[]>(nodeList.map((n) => [n.metadata.name!, []]));
  const frozen = new Map<string, readonly KObject[]>();
  const snapshot: Snapshot = {
    get: (r, _ns, name) => (r === "pods" ? pods.get(name) : r === "replicasets.apps" && name === "load" ? rs : undefined),
    list: (r) => (r === "nodes" ? nodeList : r === "pods" ? [...pods.values()] : []),
    ownedBy: () => [],
    podsOnNode(name) {
      if (mode === "freshly parsed pods (no object cache)") return JSON.parse(JSON.stringify(byNode.get(name)!));
      if (mode === "fresh arrays of the same frozen pods") return [...byNode.get(name)!];
      let a = frozen.get(name);
      if (!a) frozen.set(name, (a = Object.freeze([...byNode.get(name)!])));
      return a as KObject[];
    },
  };
  const scheduler = createScheduler(FAST_SETTINGS);
  const rng = seeded(42);
  const start = performance.now();
  for (const p of pending) {
    const result = scheduler.reconcile(`default/${p.metadata.name}`, snapshot, Date.parse("2026-01-01T12:00:00Z"), rng);
    const bind = result.writes.find((w) => w.op === "bind");
    if (!bind || bind.op !== "bind") throw new Error(`${p.metadata.name} not bound`);
    const bound = deepFreeze({ ...p, spec: { ...((p as KObject).spec as object), nodeName: bind.node } }) as KObject;
    pods.set(p.metadata.name!, bound);
    byNode.get(bind.node)!.push(bound);
    frozen.delete(bind.node);
  }
  const ms = performance.now() - start;
  const counts = [...byNode.values()].map((a) => a.length);
  return { perSecond: (podCount / ms) * 1000, ms, spread: [Math.min(...counts), Math.max(...counts)] };
}

const modes: Mode[] = ["stable frozen arrays", "fresh arrays of the same frozen pods", "freshly parsed pods (no object cache)"];
const only = (globalThis as { process?: { argv: string[] } }).process?.argv[2];
for (const mode of only ? modes.filter((m) => m.startsWith(only)) : modes) {
  bench(20, 500, mode); // warm up the JIT
  const r = bench(100, 5000, mode);
  console.log(`${mode}: 5000 pods on 100 nodes in ${r.ms.toFixed(0)} ms = ${r.perSecond.toFixed(0)} decisions/s (pods per node ${r.spread[0]}–${r.spread[1]})`);
}
