import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/api/errors";
import { initialWatchEvents } from "../../src/api/list";
import { parseFieldSelector, parseLabelSelector } from "../../src/api/selectors";
import { RESOURCE_TYPES } from "../../src/api/resources";
import { ObjectStore } from "../../src/store/objects";

const configMaps = RESOURCE_TYPES.find((t) => t.kind === "ConfigMap")!;

describe("ObjectStore in a Durable Object's SQLite", () => {
  it("compacts the change log and answers a watch from before it with 410 Expired", async () => {
    const stub = env.CLUSTERS.get(env.CLUSTERS.idFromName("scratch-store"));
    await runInDurableObject(stub, (_instance, state) => {
      const store = new ObjectStore(state.storage.sql, 10);
      for (let i = 0; i < 25; i++) {
        store.put("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}`, namespace: "default" } });
      }
      expect(store.resourceVersion).toBe(25);
      expect(store.oldestReplayableRv).toBeGreaterThan(0);
      const ctx = { store, now: () => new Date(), uid: () => "u", nameSuffix: () => "abcde" };
      const filter = { resource: "configmaps", namespace: "default", labels: parseLabelSelector(""), fields: parseFieldSelector("", "ConfigMap") };
      const target = { type: configMaps, version: "v1", namespace: "default" };
      let error: unknown;
      try {
        initialWatchEvents(ctx, target, filter, "3");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).toStatus()).toMatchObject({ code: 410, reason: "Expired", message: `too old resource version: 3 (${store.oldestReplayableRv + 1})` });
      // A version inside the window still replays.
      const replay = initialWatchEvents(ctx, target, filter, "23");
      expect(replay.map((e) => e.object.metadata.name)).toEqual(["cm-23", "cm-24"]);
      // A restarted store finds the same version and window.
      const reopened = new ObjectStore(state.storage.sql, 10);
      expect(reopened.resourceVersion).toBe(25);
      expect(reopened.oldestReplayableRv).toBe(store.oldestReplayableRv);
    });
  });
});
