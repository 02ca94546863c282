/** The harness itself must hold controllers to the apiserver's rules, or the scenarios prove little. */
import { describe, expect, it } from "vitest";
import { done, type Controller } from "../../../src/controllers/types";
import { Cluster } from "./harness";
import { service } from "./fixtures";

const once = (name: string, reconcile: Controller["reconcile"]): Controller => ({
  name,
  keysFor: (change) => (change.resource === "services" ? ["default/web"] : []),
  reconcile,
});

describe("scenario harness", () => {
  it("rejects an invalid write as the apiserver would", () => {
    const bad = once("bad", () => done([{ op: "create", resource: "endpoints", object: { metadata: { name: "web", namespace: "default" }, subsets: [{}] } }]));
    const c = new Cluster([bad]);
    c.create("services", service("web", { selector: { app: "web" } }));
    expect(() => c.settle()).toThrow(/must specify `addresses` or `notReadyAddresses`/);
  });

  it("treats a stale resourceVersion as a conflict and retries the key", () => {
    let calls = 0;
    const stale = once("stale", (_key, snapshot) => {
      calls++;
      const svc = snapshot.get("services", "default", "web")!;
      const rv = calls === 1 ? "1" : svc.metadata.resourceVersion;
      const labels = { ...svc.metadata.labels, seen: "yes" };
      return done(svc.metadata.labels?.seen ? [] : [{ op: "update", resource: "services", object: { ...svc, metadata: { ...svc.metadata, labels, resourceVersion: rv } } }]);
    });
    const c = new Cluster([stale]);
    c.create("services", service("web"));
    c.settle();
    expect(calls).toBe(3);
    expect(c.get("services", "default", "web")!.metadata.labels).toEqual({ seen: "yes" });
  });

  it("keeps a deleted object with finalizers until the last one is removed", () => {
    const c = new Cluster([]);
    c.create("services", { ...service("web"), metadata: { name: "web", namespace: "default", finalizers: ["example.com/hold"] } });
    c.delete("services", "default", "web");
    expect(c.get("services", "default", "web")!.metadata.deletionTimestamp).toBeTruthy();
    c.update("services", "default", "web", (s) => (s.metadata.finalizers = []));
    expect(c.get("services", "default", "web")).toBeUndefined();
  });

  it("runs invariants after every step and fails on a violation", () => {
    const noop = once("noop", () => done());
    const c = new Cluster([noop], [() => {
      throw new Error("violated");
    }]);
    c.create("services", service("web"));
    expect(() => c.settle()).toThrow("violated");
  });
});
