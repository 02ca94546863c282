/**
 * The Kubernetes docs' DaemonSet page on the simulated cluster: the fluentd-elasticsearch example
 * with its control-plane tolerations, nodes coming and going, taints, node selectors, cordoned
 * nodes, and rolling updates (maxUnavailable, maxSurge, OnDelete, undo). One pod per node holds
 * after every step.
 */
import { describe, expect, it } from "vitest";
import { daemonPodTolerations, TEMPLATE_GENERATION_LABEL } from "../../../src/controllers/daemonset";
import { CONTROLLER_REVISION_HASH_LABEL } from "../../../src/controllers/history";
import { CONTROL_PLANE_TOLERATIONS, DsCluster, fluentd, IMAGE_1, IMAGE_2, keepsAvailability, NAME, NS, onePodPerNode, type DsOptions } from "./harness";

/** Three worker nodes and a control-plane node, the DaemonSet rolled out. */
function rolledOut(o: DsOptions = {}, opts: { controlPlane?: boolean } = {}) {
  const c = new DsCluster();
  const inv = [onePodPerNode(c)];
  if (opts.controlPlane !== false) c.addControlPlane();
  c.apply(fluentd(o));
  c.run(inv);
  return { c, inv };
}

const ALL = ["control-plane", "node-1", "node-2", "node-3"];
const imagesOn = (nodes: string[], image: string) => Object.fromEntries(nodes.map((n) => [n, image]));

describe("Create a DaemonSet (fluentd-elasticsearch)", () => {
  const { c } = rolledOut();
  const ds = c.ds();
  const [rev] = c.revisions();
  const hash = rev.metadata.labels![CONTROLLER_REVISION_HASH_LABEL];

  it("runs one pod on every node, the control plane included thanks to its tolerations", () => {
    expect(c.placement()).toEqual(imagesOn(ALL, IMAGE_1));
    expect(c.pods().every((p) => p.status?.phase === "Running")).toBe(true);
    expect(c.pods().map((p) => p.metadata.name)).toEqual(c.pods().map(() => expect.stringMatching(/^fluentd-elasticsearch-[bcdfghjklmnpqrstvwxz2456789]{5}$/)));
  });

  it("pins each pod to its node with required node affinity and adds the daemon tolerations", () => {
    for (const pod of c.pods()) {
      expect(pod.spec!.affinity).toEqual({
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [pod.spec!.nodeName] }] }] } },
      });
      expect(pod.spec!.tolerations).toEqual([...CONTROL_PLANE_TOLERATIONS, ...daemonPodTolerations(false)]);
      expect(pod.metadata.labels).toEqual({ name: NAME, [CONTROLLER_REVISION_HASH_LABEL]: hash, [TEMPLATE_GENERATION_LABEL]: "1" });
      expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "DaemonSet", name: NAME, uid: ds.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    expect(daemonPodTolerations(false).map((t) => `${t.key}:${t.effect}`)).toEqual([
      "node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/disk-pressure:NoSchedule",
      "node.kubernetes.io/memory-pressure:NoSchedule", "node.kubernetes.io/pid-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule",
    ]);
  });

  it("reports what `kubectl get ds` and `rollout status` read", () => {
    expect(ds.status).toEqual({
      currentNumberScheduled: 4, numberMisscheduled: 0, desiredNumberScheduled: 4, numberReady: 4,
      observedGeneration: 1, updatedNumberScheduled: 4, numberAvailable: 4,
    });
    expect(c.rolloutStatus()).toBe(`daemon set "${NAME}" successfully rolled out`);
  });

  it("records one ControllerRevision named after the template hash, and a Created event per pod", () => {
    expect(c.revisions().map((r) => [r.metadata.name, r.revision])).toEqual([[`${NAME}-${hash}`, 1]]);
    expect(rev.metadata.labels).toEqual({ name: NAME, [CONTROLLER_REVISION_HASH_LABEL]: hash });
    expect(rev.metadata.annotations).toBeUndefined();
    expect(c.events()).toEqual(c.pods().map((p) => `SuccessfulCreate: Created pod: ${p.metadata.name}`).sort());
  });

  it("goes quiet once converged", () => {
    expect(c.store.nextDue()).toBeUndefined();
  });
});

describe("Running pods on select nodes", () => {
  it("skips the control plane without the tolerations", () => {
    const { c } = rolledOut({ tolerations: null });
    expect(c.placement()).toEqual(imagesOn(["node-1", "node-2", "node-3"], IMAGE_1));
    expect(c.ds().status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0 });
  });

  it("follows a nodeSelector as node labels come and go", () => {
    const { c, inv } = rolledOut({ nodeSelector: { disktype: "ssd" } }, { controlPlane: false });
    expect(c.placement()).toEqual({});
    expect(c.ds().status).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0 });
    c.label("node-2", { disktype: "ssd" });
    c.run(inv);
    expect(c.placement()).toEqual(imagesOn(["node-2"], IMAGE_1));
    c.label("node-2", { disktype: null });
    c.run(inv);
    expect(c.pods()).toEqual([]);
    expect(c.events().filter((e) => e.startsWith("SuccessfulDelete"))).toHaveLength(1);
  });
});

describe("Nodes added and removed", () => {
  it("starts a pod on a new node and loses the pod of a removed one", () => {
    const { c, inv } = rolledOut();
    c.addNode("node-4");
    c.run(inv);
    expect(Object.keys(c.placement())).toEqual([...ALL, "node-4"]);
    expect(c.ds().status).toMatchObject({ desiredNumberScheduled: 5, numberReady: 5 });
    c.removeNode("node-2");
    c.run(inv);
    expect(Object.keys(c.placement())).toEqual(["control-plane", "node-1", "node-3", "node-4"]);
    expect(c.ds().status).toMatchObject({ desiredNumberScheduled: 4, currentNumberScheduled: 4, numberReady: 4, numberAvailable: 4 });
    expect(c.ds().status?.numberUnavailable).toBeUndefined();
  });
});

describe("Taints and tolerations", () => {
  it("keeps a pod on a NoSchedule-tainted node (misscheduled), removes it for NoExecute, returns when untainted", () => {
    const { c, inv } = rolledOut();
    c.taint("node-2", [{ key: "dedicated", value: "db", effect: "NoSchedule" }]);
    c.run(inv);
    expect(Object.keys(c.placement())).toEqual(ALL);
    expect(c.ds().status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 1 });

    c.taint("node-2", [{ key: "dedicated", value: "db", effect: "NoExecute" }]);
    c.run(inv);
    expect(Object.keys(c.placement())).toEqual(["control-plane", "node-1", "node-3"]);
    expect(c.ds().status).toMatchObject({ desiredNumberScheduled: 3, numberMisscheduled: 0 });

    c.taint("node-2", null);
    c.run(inv);
    expect(Object.keys(c.placement())).toEqual(ALL);
    expect(c.ds().status).toMatchObject({ desiredNumberScheduled: 4, numberReady: 4 });
  });

  it("still runs on a cordoned node (the unschedulable toleration)", () => {
    const { c, inv } = rolledOut();
    c.cordon("node-3");
    c.deletePod(c.pods().find((p) => p.spec!.nodeName === "node-3")!.metadata.name!);
    c.run(inv);
    expect(Object.keys(c.placement())).toEqual(ALL);
  });
});

describe("Updating a DaemonSet: RollingUpdate", () => {
  it("replaces one node's pod at a time (maxUnavailable 1), never more than one node without an available pod", () => {
    const { c, inv } = rolledOut();
    const [r1] = c.revisions();
    c.setImage(IMAGE_2);
    const seen: string[] = [];
    c.settle({ invariants: [...inv, keepsAvailability(c), () => void (seen.at(-1) !== c.rolloutStatus() && seen.push(c.rolloutStatus()))] });
    expect(c.placement()).toEqual(imagesOn(ALL, IMAGE_2));
    const [, r2] = c.revisions();
    expect(c.revisions().map((r) => r.revision)).toEqual([1, 2]);
    expect(c.pods().every((p) => p.metadata.labels![CONTROLLER_REVISION_HASH_LABEL] === r2.metadata.labels![CONTROLLER_REVISION_HASH_LABEL])).toBe(true);
    expect(c.pods().every((p) => p.metadata.labels![TEMPLATE_GENERATION_LABEL] === "2")).toBe(true);
    expect(r1.metadata.name).not.toBe(r2.metadata.name);
    expect(seen).toContain(`Waiting for daemon set "${NAME}" rollout to finish: 0 out of 4 new pods have been updated...`);
    expect(seen).toContain(`Waiting for daemon set "${NAME}" rollout to finish: 3 out of 4 new pods have been updated...`);
    expect(seen.at(-1)).toBe(`daemon set "${NAME}" successfully rolled out`);
    const events = c.events().slice(4);
    expect(events.map((e) => e.split(": ")[0])).toEqual(Array(4).fill(["SuccessfulDelete", "SuccessfulCreate"]).flat());
  });

  it("takes two nodes at a time with maxUnavailable 50%", () => {
    const { c, inv } = rolledOut({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "50%" } } });
    c.setImage(IMAGE_2);
    let most = 0;
    c.settle({ invariants: [...inv, keepsAvailability(c), () => void (most = Math.max(most, c.pods().filter((p) => p.metadata.deletionTimestamp).length))] });
    expect(most).toBe(2);
    expect(c.placement()).toEqual(imagesOn(ALL, IMAGE_2));
  });

  it("surges a new pod beside the old one with maxSurge 1, keeping every node served", () => {
    const { c, inv } = rolledOut({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    c.setImage(IMAGE_2);
    let pairs = 0;
    const sideBySide = () => {
      const live = c.pods().filter((p) => !p.metadata.deletionTimestamp);
      pairs = Math.max(pairs, live.length - 4);
    };
    c.settle({ invariants: [...inv, keepsAvailability(c), sideBySide] });
    expect(pairs).toBe(1);
    expect(c.placement()).toEqual(imagesOn(ALL, IMAGE_2));
    expect(c.events().slice(4).map((e) => e.split(": ")[0])).toEqual(Array(4).fill(["SuccessfulCreate", "SuccessfulDelete"]).flat());
  });

  it("rolls back with kubectl rollout undo, renumbering the first revision", () => {
    const { c, inv } = rolledOut();
    const [r1] = c.revisions();
    c.setImage(IMAGE_2);
    c.run(inv);
    expect(c.undo()).toBe(`daemonset.apps/${NAME} rolled back`);
    c.run(inv);
    expect(c.placement()).toEqual(imagesOn(ALL, IMAGE_1));
    expect(c.revisions().map((r) => [r.revision, r.metadata.name === r1.metadata.name])).toEqual([[2, false], [3, true]]);
    expect(c.pods().every((p) => p.metadata.labels![CONTROLLER_REVISION_HASH_LABEL] === r1.metadata.labels![CONTROLLER_REVISION_HASH_LABEL])).toBe(true);
  });

  it("keeps revisionHistoryLimit old revisions", () => {
    const { c, inv } = rolledOut({ revisionHistoryLimit: 1 });
    for (const tag of ["v5.0.2", "v5.0.3", "v5.0.4"]) {
      c.setImage(`quay.io/fluentd_elasticsearch/fluentd:${tag}`);
      c.run(inv);
    }
    expect(c.revisions().map((r) => r.revision)).toEqual([3, 4]);
  });
});

describe("Updating a DaemonSet: OnDelete", () => {
  it("replaces a pod only when it is deleted", () => {
    const { c, inv } = rolledOut({ updateStrategy: { type: "OnDelete" } });
    c.setImage(IMAGE_2);
    c.run(inv);
    expect(c.placement()).toEqual(imagesOn(ALL, IMAGE_1));
    expect(c.ds().status).toMatchObject({ observedGeneration: 2, desiredNumberScheduled: 4 });
    expect(c.ds().status?.updatedNumberScheduled).toBeUndefined();
    c.deletePod(c.pods().find((p) => p.spec!.nodeName === "node-1")!.metadata.name!);
    c.run(inv);
    expect(c.placement()).toEqual({ ...imagesOn(ALL, IMAGE_1), "node-1": IMAGE_2 });
    expect(c.ds().status).toMatchObject({ updatedNumberScheduled: 1 });
    expect(c.rolloutStatus()).toBe("rollout status is only available for RollingUpdate strategy type");
  });
});

describe("Deleting a DaemonSet", () => {
  it("takes its pods and revisions with it", () => {
    const { c, inv } = rolledOut();
    c.delete("DaemonSet", NAME, NS);
    c.run(inv);
    expect(c.list("pods", NS)).toEqual([]);
    expect(c.list("controllerrevisions.apps", NS)).toEqual([]);
  });
});

describe("revision name collisions", () => {
  it("bumps status.collisionCount and takes another name when `<ds>-<hash>` holds other data", () => {
    const { c: first } = rolledOut();
    const [taken] = first.revisions();
    const c = new DsCluster();
    c.addControlPlane();
    c.apply({ apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name: taken.metadata.name, namespace: NS, labels: { owner: "someone-else" } }, data: { other: true }, revision: 1 });
    c.apply(fluentd());
    c.run([onePodPerNode(c)]);
    const [mine] = c.revisions();
    expect(mine.metadata.name).not.toBe(taken.metadata.name);
    expect(c.ds().status).toMatchObject({ collisionCount: 1, numberReady: 4 });
    const hash = mine.metadata.labels![CONTROLLER_REVISION_HASH_LABEL];
    expect(mine.metadata.name).toBe(`${NAME}-${hash}`);
    expect(c.pods().every((p) => p.metadata.labels![CONTROLLER_REVISION_HASH_LABEL] === hash)).toBe(true);
  });
});
