import { describe, expect, it } from "vitest";
import { createKubelet } from "../../../src/sim/kubelet";
import { createScheduler } from "../../../src/sim/scheduler";
import { FAST_SETTINGS } from "../../../src/sim/settings";
import { SimCluster } from "../runtime/cluster";

describe("kubelet cost", () => {
  it("brings a server pod to Running in three passes: sandbox, image and start, ready", () => {
    const passes: Record<string, number> = {};
    const c = new SimCluster([createScheduler(FAST_SETTINGS), createKubelet(FAST_SETTINGS)], {
      counter: { reconciled: (name: string) => void (passes[name] = (passes[name] ?? 0) + 1) },
    });
    for (let i = 0; i < 10; i++) {
      c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: `web-${i}` }, spec: { containers: [{ name: "nginx", image: "nginx:1.25" }] } });
    }
    c.settle();
    expect(c.list("pods", "default").every((p: any) => p.status.phase === "Running")).toBe(true);
    // Its own writes (a new container instance) must not bring the kubelet back for another pass.
    expect(passes.kubelet).toBe(30);
  });
});
