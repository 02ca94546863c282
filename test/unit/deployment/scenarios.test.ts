/**
 * The Kubernetes docs' Deployments walkthrough, run to quiescence on a virtual clock with the
 * Deployment controller, a fake ReplicaSet controller and a fake kubelet; the rollout invariants
 * (≤ replicas + maxSurge pods, ≥ replicas − maxUnavailable available once reached, one controller
 * owner per ReplicaSet, unique revisions, Recreate never side by side) hold after every step.
 */
import { describe, expect, it } from "vitest";
import { computeHash, equalIgnoreHash, revision, REVISION_ANNOTATION, type ReplicaSet } from "../../../src/controllers/deployment";
import { deploymentObject } from "./fixtures";
import { condition, DeploymentCluster, MINUTE, rolloutDone, rolloutInvariants, SECOND } from "./sim";

const NAME = "nginx-deployment";
const scaling = (events: string[]) => events.filter((e) => e.startsWith("ScalingReplicaSet: ")).map((e) => e.slice("ScalingReplicaSet: ".length));
const sizes = (rss: ReplicaSet[]) => rss.map((r) => r.spec.replicas);
const revisions = (rss: ReplicaSet[]) => rss.map((r) => revision(r));

/** A cluster with the docs' nginx:1.14.2 ×3 deployment rolled out. */
function rolledOut(opts: Parameters<DeploymentCluster["create"]>[1] = {}, clusterOpts: ConstructorParameters<typeof DeploymentCluster>[0] = {}) {
  const c = new DeploymentCluster(clusterOpts);
  const inv = rolloutInvariants();
  c.create(NAME, opts);
  c.run(inv);
  return { c, inv };
}

describe("creating a Deployment (nginx:1.14.2 ×3)", () => {
  const { c } = rolledOut();
  const d = c.deployment(NAME);
  const rss = c.replicaSets(NAME);
  const hash = computeHash(d.spec.template);

  it("rolls out one ReplicaSet named after the template hash, revision 1", () => {
    expect(rss.map((r) => r.metadata.name)).toEqual([`${NAME}-${hash}`]);
    expect(rss[0].metadata.annotations).toEqual({
      "deployment.kubernetes.io/revision": "1",
      "deployment.kubernetes.io/desired-replicas": "3",
      "deployment.kubernetes.io/max-replicas": "4",
    });
    expect(d.metadata.annotations?.[REVISION_ANNOTATION]).toBe("1");
    expect(c.pods(rss[0]).map((p) => p.metadata.labels)).toEqual(Array(3).fill({ app: NAME, "pod-template-hash": hash }));
  });

  it("keeps the ReplicaSet template equal to the deployment's, as kubectl's new-RS detection needs", () => {
    expect(equalIgnoreHash(rss[0].spec.template, d.spec.template)).toBe(true);
  });

  it("reports what `kubectl rollout status` and `describe` read", () => {
    expect(rolloutDone(d)).toBe(true);
    const { conditions, ...counts } = d.status!;
    expect(counts).toEqual({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(conditions!.map((x) => [x.type, x.status, x.reason, x.message])).toEqual([
      ["Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."],
      ["Progressing", "True", "NewReplicaSetAvailable", `ReplicaSet "${NAME}-${hash}" has successfully progressed.`],
    ]);
    expect(c.events(NAME)).toEqual([`ScalingReplicaSet: Scaled up replica set ${NAME}-${hash} from 0 to 3`]);
  });
});

describe("updating the image (kubectl set image … nginx:1.16.1)", () => {
  it.each([["deployment controller first", true], ["fakes first", false]])("moves pods one at a time to a second ReplicaSet (%s)", (_name, deploymentFirst) => {
    const { c, inv } = rolledOut({}, { deploymentFirst });
    c.setImage(NAME, "nginx:1.16.1");
    c.run(inv);
    const [v1, v2] = c.replicaSets(NAME);
    expect(revisions([v1, v2])).toEqual([1, 2]);
    expect(sizes([v1, v2])).toEqual([0, 3]);
    expect(v2.spec.template!.spec!.containers[0].image).toBe("nginx:1.16.1");
    expect(c.deployment(NAME).metadata.annotations![REVISION_ANNOTATION]).toBe("2");
    expect(rolloutDone(c.deployment(NAME))).toBe(true);
    const [a, b] = [v1.metadata.name, v2.metadata.name];
    expect(scaling(c.events(NAME))).toEqual([
      `Scaled up replica set ${a} from 0 to 3`,
      `Scaled up replica set ${b} from 0 to 1`,
      `Scaled down replica set ${a} from 3 to 2`,
      `Scaled up replica set ${b} from 1 to 2`,
      `Scaled down replica set ${a} from 2 to 1`,
      `Scaled up replica set ${b} from 2 to 3`,
      `Scaled down replica set ${a} from 1 to 0`,
    ]);
    expect(condition(c.deployment(NAME), "Progressing")).toMatchObject({ reason: "NewReplicaSetAvailable", message: `ReplicaSet "${b}" has successfully progressed.` });
  });

  it("with maxSurge 0 and maxUnavailable 1: old −1, then new +1", () => {
    const { c, inv } = rolledOut({ maxSurge: 0, maxUnavailable: 1 });
    c.setImage(NAME, "nginx:1.16.1");
    c.run(inv);
    const [a, b] = c.replicaSets(NAME).map((r) => r.metadata.name);
    expect(scaling(c.events(NAME)).slice(1)).toEqual([
      `Scaled down replica set ${a} from 3 to 2`,
      `Scaled up replica set ${b} from 0 to 1`,
      `Scaled down replica set ${a} from 2 to 1`,
      `Scaled up replica set ${b} from 1 to 2`,
      `Scaled down replica set ${a} from 1 to 0`,
      `Scaled up replica set ${b} from 2 to 3`,
    ]);
  });
});

describe("rolling over", () => {
  it("a new template mid-rollout: the newest ReplicaSet takes over from both older ones", () => {
    const { c, inv } = rolledOut();
    c.setImage(NAME, "nginx:1.16.1");
    c.advance(3 * SECOND, inv);
    expect(sizes(c.replicaSets(NAME))).not.toEqual([0, 3]); // caught mid-rollout
    c.setImage(NAME, "nginx:1.17.0");
    c.run(inv);
    const rss = c.replicaSets(NAME);
    expect(revisions(rss)).toEqual([1, 2, 3]);
    expect(sizes(rss)).toEqual([0, 0, 3]);
    expect(rolloutDone(c.deployment(NAME))).toBe(true);
  });
});

describe("a rollout stuck on a typo (nginx:1.161)", () => {
  function stuck(opts: Parameters<DeploymentCluster["create"]>[1] = {}) {
    const { c, inv } = rolledOut(opts);
    c.setImage(NAME, "nginx:1.16.1");
    c.run(inv);
    c.setImage(NAME, "nginx:1.161");
    c.run(inv, 5 * MINUTE);
    return { c, inv };
  }

  it("keeps all old pods (maxUnavailable 0 of 3) and one new pod that never becomes ready", () => {
    const { c } = stuck();
    const rss = c.replicaSets(NAME);
    expect(revisions(rss)).toEqual([1, 2, 3]);
    expect(sizes(rss)).toEqual([0, 3, 1]);
    const d = c.deployment(NAME);
    expect(rolloutDone(d)).toBe(false);
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1 });
    expect(condition(d, "Available")).toMatchObject({ status: "True", reason: "MinimumReplicasAvailable" });
    expect(condition(d, "Progressing")).toMatchObject({ status: "True", reason: "ReplicaSetUpdated", message: `ReplicaSet "${rss[2].metadata.name}" is progressing.` });
  });

  it("with maxUnavailable 1 the old ReplicaSet keeps 2", () => {
    const { c } = stuck({ maxSurge: 1, maxUnavailable: 1 });
    expect(sizes(c.replicaSets(NAME))).toEqual([0, 2, 2]);
    expect(condition(c.deployment(NAME), "Available")).toMatchObject({ status: "True" });
  });

  it("reports ProgressDeadlineExceeded once progressDeadlineSeconds pass without progress", () => {
    const { c, inv } = stuck();
    const lastProgress = Date.parse(condition(c.deployment(NAME), "Progressing")!.lastUpdateTime!);
    c.advance(9 * MINUTE, inv);
    expect(condition(c.deployment(NAME), "Progressing")!.reason).toBe("ReplicaSetUpdated");
    c.advance(2 * MINUTE, inv);
    const progressing = condition(c.deployment(NAME), "Progressing")!;
    expect(progressing).toMatchObject({ status: "False", reason: "ProgressDeadlineExceeded", message: `ReplicaSet "${c.replicaSets(NAME)[2].metadata.name}" has timed out progressing.` });
    const timedOutAt = Date.parse(progressing.lastTransitionTime!);
    expect(timedOutAt - lastProgress).toBeGreaterThan(600 * SECOND);
    expect(timedOutAt - lastProgress).toBeLessThanOrEqual(602 * SECOND);
    expect(condition(c.deployment(NAME), "Available")).toMatchObject({ status: "True" });
  });

  it("rollout undo reuses the revision-2 ReplicaSet as revision 4 (history 1, 3, 4)", () => {
    const { c, inv } = stuck();
    c.advance(11 * MINUTE, inv);
    const before = c.replicaSets(NAME).map((r) => r.metadata.name);
    expect(c.undo(NAME)).toBe(true);
    c.run(inv);
    const rss = c.replicaSets(NAME);
    expect(rss.map((r) => r.metadata.name).sort()).toEqual([...before].sort());
    expect(revisions(rss)).toEqual([1, 3, 4]);
    const reused = rss[2];
    expect(reused.spec.template!.spec!.containers[0].image).toBe("nginx:1.16.1");
    expect(reused.metadata.annotations).toMatchObject({ "deployment.kubernetes.io/revision": "4", "deployment.kubernetes.io/revision-history": "2" });
    expect(sizes(rss)).toEqual([0, 0, 3]);
    const d = c.deployment(NAME);
    expect(d.metadata.annotations![REVISION_ANNOTATION]).toBe("4");
    expect(rolloutDone(d)).toBe(true);
    expect(condition(d, "Progressing")).toMatchObject({ status: "True", reason: "NewReplicaSetAvailable", message: `ReplicaSet "${reused.metadata.name}" has successfully progressed.` });
    expect(scaling(c.events(NAME)).at(-1)).toBe(`Scaled down replica set ${rss[1].metadata.name} from 1 to 0`);
  });

  it("undo --to-revision=1 brings revision 1 back as 4 with history 1", () => {
    const { c, inv } = stuck();
    c.undo(NAME, 1);
    c.run(inv);
    const rss = c.replicaSets(NAME);
    expect(revisions(rss)).toEqual([2, 3, 4]);
    expect(rss[2].spec.template!.spec!.containers[0].image).toBe("nginx:1.14.2");
    expect(rss[2].metadata.annotations!["deployment.kubernetes.io/revision-history"]).toBe("1");
    expect(rolloutDone(c.deployment(NAME))).toBe(true);
  });
});

describe("proportional scaling mid-rollout", () => {
  it("the docs' example: 10 replicas (surge 3, unavailable 2) stuck at 8/5, scaled to 15 → 11/7", () => {
    const { c, inv } = rolledOut({ replicas: 10, maxSurge: 3, maxUnavailable: 2 });
    c.setImage(NAME, "nginx:1.161");
    c.run(inv, 5 * MINUTE);
    const [old, neu] = c.replicaSets(NAME);
    expect(sizes([old, neu])).toEqual([8, 5]);
    c.scale(NAME, 15);
    c.run(inv, 5 * MINUTE);
    const after = c.replicaSets(NAME);
    expect(sizes(after)).toEqual([11, 7]);
    expect(scaling(c.events(NAME)).slice(-2)).toEqual([
      `Scaled up replica set ${old.metadata.name} from 8 to 11`,
      `Scaled up replica set ${neu.metadata.name} from 5 to 7`,
    ]);
    for (const r of after) expect(r.metadata.annotations).toMatchObject({ "deployment.kubernetes.io/desired-replicas": "15", "deployment.kubernetes.io/max-replicas": "18" });
  });

  it("3 replicas stuck at 3/1, scaled to 10: shared 10/3, then the rollout goes on to 8/5", () => {
    const { c, inv } = rolledOut();
    c.setImage(NAME, "nginx:1.161");
    c.run(inv, 5 * MINUTE);
    const [old, neu] = c.replicaSets(NAME);
    c.scale(NAME, 10);
    c.run(inv, 5 * MINUTE);
    const events = scaling(c.events(NAME));
    expect(events).toContain(`Scaled up replica set ${old.metadata.name} from 3 to 10`);
    expect(events).toContain(`Scaled up replica set ${neu.metadata.name} from 1 to 3`);
    expect(sizes(c.replicaSets(NAME))).toEqual([8, 5]);
    expect(c.deployment(NAME).status).toMatchObject({ availableReplicas: 8, updatedReplicas: 5 });
  });
});

describe("scaling down mid-rollout", () => {
  it("10 → 5 with old 8 / new 5 stuck: 5/3 proportionally, then the rollout settles at 3/5", () => {
    const { c, inv } = rolledOut({ replicas: 10, maxSurge: 3, maxUnavailable: 2 });
    c.setImage(NAME, "nginx:1.161");
    c.run(inv, 5 * MINUTE);
    const [old, neu] = c.replicaSets(NAME);
    c.scale(NAME, 5);
    c.run(inv, 5 * MINUTE);
    const events = scaling(c.events(NAME));
    expect(events).toContain(`Scaled down replica set ${old.metadata.name} from 8 to 5`);
    expect(events).toContain(`Scaled down replica set ${neu.metadata.name} from 5 to 3`);
    expect(sizes(c.replicaSets(NAME))).toEqual([3, 5]);
    expect(c.deployment(NAME).status).toMatchObject({ availableReplicas: 3, updatedReplicas: 5 });
  });
});

describe("pausing and resuming", () => {
  it("several template changes and a scale while paused, then exactly one new ReplicaSet", () => {
    const { c, inv } = rolledOut();
    c.pause(NAME);
    c.run(inv);
    expect(condition(c.deployment(NAME), "Progressing")).toMatchObject({ status: "Unknown", reason: "DeploymentPaused", message: "Deployment is paused" });
    c.setImage(NAME, "nginx:1.16.1");
    c.run(inv);
    c.patch("Deployment", NAME, { spec: { template: { spec: { containers: [{ ...c.deployment(NAME).spec.template.spec!.containers[0], resources: { limits: { cpu: "200m", memory: "512Mi" } } }] } } } });
    c.run(inv);
    c.scale(NAME, 5);
    c.run(inv);
    expect(c.replicaSets(NAME)).toHaveLength(1);
    expect(sizes(c.replicaSets(NAME))).toEqual([5]);
    const paused = c.deployment(NAME);
    expect(paused.status!.observedGeneration).toBe(paused.metadata.generation);
    expect(rolloutDone(paused)).toBe(false); // nothing updated yet: rollout status would wait

    c.resume(NAME);
    c.settle({ invariants: inv, until: (cl) => condition((cl as DeploymentCluster).deployment(NAME), "Progressing")?.reason === "DeploymentResumed" });
    expect(condition(c.deployment(NAME), "Progressing")).toMatchObject({ status: "Unknown", message: "Deployment is resumed" });
    c.run(inv);
    const rss = c.replicaSets(NAME);
    expect(rss).toHaveLength(2);
    expect(revisions(rss)).toEqual([1, 2]);
    expect(sizes(rss)).toEqual([0, 5]);
    expect(rss[1].spec.template!.spec!.containers[0]).toMatchObject({ image: "nginx:1.16.1", resources: { limits: { cpu: "200m", memory: "512Mi" } } });
    expect(rolloutDone(c.deployment(NAME))).toBe(true);
  });
});

describe("rollout restart", () => {
  it("is a template change: a new ReplicaSet whose pods carry restartedAt", () => {
    const { c, inv } = rolledOut();
    c.restart(NAME, "2026-11-25T01:00:00Z");
    c.run(inv);
    const rss = c.replicaSets(NAME);
    expect(revisions(rss)).toEqual([1, 2]);
    expect(sizes(rss)).toEqual([0, 3]);
    expect(c.pods(rss[1]).map((p) => p.metadata.annotations?.["kubectl.kubernetes.io/restartedAt"])).toEqual(Array(3).fill("2026-11-25T01:00:00Z"));
  });
});

describe("the Recreate strategy", () => {
  it("scales the old ReplicaSet to 0, waits for its pods to be gone, then starts all new pods", () => {
    const { c, inv } = rolledOut({ strategy: "Recreate" });
    c.setImage(NAME, "nginx:1.16.1");
    c.settle({ invariants: inv, until: (cl) => (cl as DeploymentCluster).replicaSets(NAME)[0].spec.replicas === 0 });
    expect(c.replicaSets(NAME)).toHaveLength(1); // no new ReplicaSet while old pods exist
    c.run(inv);
    const [v1, v2] = c.replicaSets(NAME);
    expect(sizes([v1, v2])).toEqual([0, 3]);
    expect(scaling(c.events(NAME))).toEqual([
      `Scaled up replica set ${v1.metadata.name} from 0 to 3`,
      `Scaled down replica set ${v1.metadata.name} from 3 to 0`,
      `Scaled up replica set ${v2.metadata.name} from 0 to 3`,
    ]);
    expect(rolloutDone(c.deployment(NAME))).toBe(true);
    expect(condition(c.deployment(NAME), "Available")).toMatchObject({ status: "True" });
  });
});

describe("revisionHistoryLimit", () => {
  it("keeps the two most recent old ReplicaSets", () => {
    const { c, inv } = rolledOut({ revisionHistoryLimit: 2 });
    for (const tag of ["1.20", "1.21", "1.22", "1.23", "1.24"]) {
      c.setImage(NAME, `nginx:${tag}`);
      c.run(inv);
    }
    const rss = c.replicaSets(NAME);
    expect(revisions(rss)).toEqual([4, 5, 6]);
    expect(sizes(rss)).toEqual([0, 0, 3]);
  });
});

describe("minReadySeconds", () => {
  it("copies it to the ReplicaSets and waits for new pods to be available that long", () => {
    const { c, inv } = rolledOut({ minReadySeconds: 10 });
    const start = c.now;
    c.setImage(NAME, "nginx:1.16.1");
    c.advance(11 * SECOND, inv);
    expect(sizes(c.replicaSets(NAME))).toEqual([3, 1]); // the new pod is ready but not yet available
    c.run(inv);
    expect(c.replicaSets(NAME).map((r) => r.spec.minReadySeconds)).toEqual([10, 10]);
    expect(rolloutDone(c.deployment(NAME))).toBe(true);
    // Three rounds of start (2 s) + minReadySeconds (10 s).
    expect(c.now - start).toBeGreaterThanOrEqual(36 * SECOND);
  });

  it("a changed minReadySeconds updates the current ReplicaSet without a rollout", () => {
    const { c, inv } = rolledOut();
    c.advance(10 * SECOND, inv); // pods ready for longer than the new minReadySeconds
    c.patch("Deployment", NAME, { spec: { minReadySeconds: 5 } });
    c.run(inv);
    expect(c.replicaSets(NAME).map((r) => [r.spec.minReadySeconds, revision(r)])).toEqual([[5, 1]]);
  });
});

describe("a ReplicaSet the apiserver refuses", () => {
  it("a 250-character deployment name leaves no room for \"-<hash>\": ReplicaSetCreateError", () => {
    const c = new DeploymentCluster();
    const name = "a".repeat(250);
    const d = deploymentObject("web");
    d.metadata.name = name;
    c.apply(d);
    c.run(rolloutInvariants(), MINUTE);
    const progressing = condition(c.deployment(name), "Progressing")!;
    expect(progressing).toMatchObject({ status: "False", reason: "ReplicaSetCreateError" });
    expect(progressing.message).toMatch(new RegExp(`^Failed to create new replica set "${name}-[4-9bcdf]+": `));
    expect(c.events(name).some((e) => e.startsWith("ReplicaSetCreateError: Failed to create new replica set"))).toBe(true);
    expect(c.replicaSets(name)).toEqual([]);
  });
});

describe("change-cause and collisions", () => {
  it("copies kubernetes.io/change-cause to each revision's ReplicaSet (rollout history's CHANGE-CAUSE)", () => {
    const { c, inv } = rolledOut({ annotations: { "kubernetes.io/change-cause": "kubectl create deployment" } });
    c.setImage(NAME, "nginx:1.16.1", { "kubernetes.io/change-cause": "kubectl set image nginx=nginx:1.16.1" });
    c.run(inv);
    expect(c.replicaSets(NAME).map((r) => r.metadata.annotations!["kubernetes.io/change-cause"])).toEqual([
      "kubectl create deployment",
      "kubectl set image nginx=nginx:1.16.1",
    ]);
  });

  it("a ReplicaSet already holding the name bumps status.collisionCount and the hash", () => {
    const c = new DeploymentCluster();
    const inv = rolloutInvariants();
    const d = c.create(NAME, { paused: true });
    const hash = computeHash(d.spec.template);
    const squatter = { metadata: { labels: { app: "squatter" } }, spec: { containers: [{ name: "c", image: "busybox" }] } };
    c.apply({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: `${NAME}-${hash}` }, spec: { replicas: 0, selector: { matchLabels: { app: "squatter" } }, template: squatter } });
    c.resume(NAME);
    c.run(inv);
    const after = c.deployment(NAME);
    expect(after.status!.collisionCount).toBe(1);
    expect(c.replicaSets(NAME).map((r) => r.metadata.name)).toEqual([`${NAME}-${computeHash(after.spec.template, 1)}`]);
    expect(rolloutDone(after)).toBe(true);
  });
});
