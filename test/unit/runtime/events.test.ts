import { describe, expect, it } from "vitest";
import { recordEvent } from "../../../src/controllers/events";
import { SimCluster } from "./cluster";

describe("the event recorder", () => {
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default", uid: "u-1" } };
  const event = (reason: string, message: string) => ({ op: "event" as const, involved: pod, type: "Normal" as const, reason, message, component: "kubelet" });

  it("names events <object>.<creation time in ns, hex>, so listing shows them in the order they happened", () => {
    const c = new SimCluster([]);
    const reasons = ["Scheduled", "Pulling", "Pulled", "Created", "Started"];
    for (const reason of reasons) c.write(() => recordEvent(c.ctx, event(reason, `${reason} it`)));
    c.now += 1;
    c.write(() => recordEvent(c.ctx, event("Killing", "Stopping container")));
    const listed = c.store.list("events", "default").items;
    expect(listed.map((e) => e.reason)).toEqual([...reasons, "Killing"]);
    const ns = BigInt(c.now) * 1_000_000n;
    expect(listed[5].metadata.name).toBe(`web.${ns.toString(16)}`);
    // Same millisecond: the next nanosecond, so names stay unique and ordered.
    expect(listed[1].metadata.name).toBe(`web.${(ns - 1_000_000n + 1n).toString(16)}`);
  });

  it("aggregates a repeated event into one with a count", () => {
    const c = new SimCluster([]);
    for (let i = 0; i < 3; i++) {
      c.write(() => recordEvent(c.ctx, event("BackOff", "Back-off restarting failed container")));
      c.now += 1000;
    }
    const [only] = c.store.list("events", "default").items;
    expect(only).toMatchObject({ reason: "BackOff", count: 3, firstTimestamp: "2026-11-25T00:00:00Z", lastTimestamp: "2026-11-25T00:00:02Z" });
  });

  it("forgets events an hour after their last occurrence, when a later event is recorded", () => {
    const c = new SimCluster([]);
    c.write(() => recordEvent(c.ctx, event("Pulled", "old news")));
    c.now += 30 * 60_000;
    c.write(() => recordEvent(c.ctx, event("Started", "recent")));
    c.now += 31 * 60_000;
    c.write(() => recordEvent(c.ctx, event("Killing", "now")));
    expect(c.store.list("events", "default").items.map((e) => e.reason)).toEqual(["Started", "Killing"]);
  });
});
