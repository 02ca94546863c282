import { describe, expect, it } from "vitest";
import { Activity } from "../../../src/cluster/activity";
import { done, type Controller } from "../../../src/controllers/types";
import { SimCluster } from "./cluster";

/** Evaluates the "default" namespace every second, three times, like a periodic controller (the HPA). */
function periodic(name: string): Controller {
  let calls = 0;
  return {
    name,
    keysFor: (change) => (change.resource === "namespaces" && change.object.metadata.name === "default" ? ["default"] : []),
    reconcile: () => done([], ++calls < 3 ? 1000 : undefined),
  };
}

describe("activity counters", () => {
  it("count every reconcile pass by controller, and nothing else", () => {
    const activity = new Activity(Date.parse("2026-11-25T00:00:00Z"));
    const cluster = new SimCluster([periodic("every-second"), periodic("also")], { counter: activity });
    cluster.settle();
    expect(activity.report()).toEqual({
      since: "2026-11-25T00:00:00.000Z",
      alarms: 0,
      wakes: 0,
      reconciles: { also: 3, "every-second": 3 },
    });
  });

  it("count alarms and wakes apart", () => {
    const activity = new Activity(0);
    activity.alarmed();
    activity.alarmed();
    activity.woken();
    expect(activity.report()).toMatchObject({ alarms: 2, wakes: 1, reconciles: {} });
  });
});
