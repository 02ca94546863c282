/** StatefulSet Basics and the DaemonSet page with the real kubectl (fast profile). */
import { beforeAll, describe, expect, it } from "vitest";
import { kubectl, newCluster, ok, spawnKubectl, type Cluster, until } from "./helpers";
import { STATEFULSET_BASICS_WEB } from "./manifests";

let cluster: Cluster;
const json = async (args: string[]) => JSON.parse(await ok(cluster, [...args, "-o", "json"]));



beforeAll(async () => {
  cluster = await newCluster({ name: "workloads", nodes: 3, simulation: { profile: "fast" } });
});

describe("StatefulSet Basics", () => {
  it("creates web-0 then web-1 with stable claims and DNS, and keeps them across pod deletion", async () => {
    await ok(cluster, ["apply", "-f", "-"], { input: STATEFULSET_BASICS_WEB });
    await ok(cluster, ["rollout", "status", "statefulset/web", "--timeout=60s"]);
    const pods = (await json(["get", "pods", "-l", "app=nginx"])).items as any[];
    expect(pods.map((p) => p.metadata.name).sort()).toEqual(["web-0", "web-1"]);
    expect(pods.every((p) => p.spec.hostname === p.metadata.name && p.spec.subdomain === "nginx")).toBe(true);
    expect(await ok(cluster, ["get", "pvc", "-l", "app=nginx"])).toMatch(/^www-web-0\s+Bound/m);
    const uid = pods.find((p) => p.metadata.name === "web-0").metadata.uid;
    await ok(cluster, ["delete", "pod", "web-0"]);
    const back = await until("web-0 recreated", async () => {
      const pod = (await json(["get", "pod", "web-0"]));
      return pod.metadata.uid !== uid && pod.status.phase === "Running" ? pod : undefined;
    });
    expect(back.spec.volumes.find((v: any) => v.name === "www").persistentVolumeClaim.claimName).toBe("www-web-0");
  });

  it("scales up and down in order and rolls out an update", async () => {
    await ok(cluster, ["scale", "sts", "web", "--replicas=4"]);
    await ok(cluster, ["rollout", "status", "statefulset/web", "--timeout=60s"]);
    await ok(cluster, ["scale", "sts", "web", "--replicas=2"]);
    await until("2 pods", async () => (await json(["get", "pods", "-l", "app=nginx"])).items.length === 2);
    await ok(cluster, ["patch", "statefulset", "web", "--type=json", "-p", '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"registry.k8s.io/nginx-slim:0.24"}]']);
    await ok(cluster, ["rollout", "status", "statefulset/web", "--timeout=60s"]);
    const images = (await json(["get", "pods", "-l", "app=nginx"])).items.map((p: any) => p.spec.containers[0].image);
    expect(images).toEqual(["registry.k8s.io/nginx-slim:0.24", "registry.k8s.io/nginx-slim:0.24"]);
    expect(await ok(cluster, ["rollout", "history", "statefulset/web"])).toMatch(/^1\s+<none>\n2\s+<none>/m);
  });
});

const OLD_IMAGE = "registry.k8s.io/nginx-slim:0.21";
const NEW_IMAGE = "registry.k8s.io/nginx-slim:0.24";

/** The tutorial's `web` with `replicas` and extra spec lines (indented two spaces), in namespace `ns`. */
async function applyWeb(ns: string, replicas: number, extraSpec = ""): Promise<void> {
  await ok(cluster, ["create", "namespace", ns]);
  await ok(cluster, ["apply", "-n", ns, "-f", "-"], { input: STATEFULSET_BASICS_WEB.replace("  replicas: 2\n", `  replicas: ${replicas}\n${extraSpec}`) });
}

/** `kubectl get pods -l app=nginx` as { "web-0": image, … }. */
async function imagesIn(ns: string): Promise<Record<string, string>> {
  const pods = (await json(["get", "pods", "-n", ns, "-l", "app=nginx"])).items as any[];
  return Object.fromEntries(pods.map((p) => [p.metadata.name, p.spec.containers[0].image]));
}

const allAt = (n: number, image: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`web-${i}`, image]));

/** The recreated pod `name` (a new uid), once Running and Ready. */
async function recreated(ns: string, name: string, oldUid: string): Promise<any> {
  return until(`${name} recreated`, async () => {
    const pod = await json(["get", "pod", name, "-n", ns]);
    const ready = pod.status.conditions?.some((c: any) => c.type === "Ready" && c.status === "True");
    return pod.metadata.uid !== oldUid && pod.status.phase === "Running" && ready ? pod : undefined;
  });
}

/** One line of `kubectl get pods -w --output-watch-events`: EVENT NAME READY STATUS RESTARTS AGE. */
interface WatchLine { event: string; name: string; ready: string; status: string }

function watchLines(output: string): WatchLine[] {
  return output.split("\n").map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 4 && ["ADDED", "MODIFIED", "DELETED"].includes(f[0]))
    .map(([event, name, ready, status]) => ({ event, name, ready, status }));
}

/** Index of the first line at or after `from` that `match` accepts (−1 when none). */
function indexOf(lines: WatchLine[], match: (l: WatchLine) => boolean, from = 0): number {
  const i = lines.slice(from).findIndex(match);
  return i < 0 ? -1 : i + from;
}

const isUp = (name: string) => (l: WatchLine) => l.name === name && l.ready === "1/1" && l.status === "Running" && l.event !== "DELETED";

describe("StatefulSet Basics: updating StatefulSets", () => {
  const ns = "updates";
  const rollout = () => ok(cluster, ["rollout", "status", "statefulset/web", "-n", ns, "--timeout=60s"]);
  const partition = (n: number) => ok(cluster, ["patch", "statefulset", "web", "-n", ns, "-p", JSON.stringify({ spec: { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: n } } } })]);

  it("stages an update with partition 3: web-4 then web-3 get the new image, a deleted web-2 comes back with the old one", async () => {
    await applyWeb(ns, 5);
    expect(await rollout()).toMatch(/partitioned roll out complete: 5 new pods have been updated\.\.\.\n$/);
    const watch = spawnKubectl(cluster, ["get", "pods", "-n", ns, "-l", "app=nginx", "-w", "--output-watch-events"]);
    try {
      await watch.waitFor(/ADDED\s+web-4/);
      expect(await partition(3)).toContain("statefulset.apps/web patched");
      await ok(cluster, ["patch", "statefulset", "web", "-n", ns, "--type=json", "-p", `[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"${NEW_IMAGE}"}]`]);
      expect(await rollout()).toMatch(/partitioned roll out complete: 2 new pods have been updated\.\.\.\n$/);
      expect(await imagesIn(ns)).toEqual({ ...allAt(3, OLD_IMAGE), "web-3": NEW_IMAGE, "web-4": NEW_IMAGE });
      // Reverse ordinal order, one at a time: web-4 is back Running and Ready before web-3 starts terminating.
      await watch.waitFor(/DELETED\s+web-3/);
      const lines = watchLines(watch.output());
      const web4Deleted = indexOf(lines, (l) => l.name === "web-4" && l.event === "DELETED");
      const web4Back = indexOf(lines, isUp("web-4"), web4Deleted);
      const web3Stops = indexOf(lines, (l) => l.name === "web-3" && (l.status === "Terminating" || l.event === "DELETED"));
      expect(web4Deleted).toBeGreaterThan(0);
      expect(web4Back).toBeGreaterThan(web4Deleted);
      expect(web3Stops).toBeGreaterThan(web4Back);
      // Below the partition nothing is touched.
      expect(lines.filter((l) => ["web-0", "web-1", "web-2"].includes(l.name) && (l.status === "Terminating" || l.event === "DELETED"))).toEqual([]);
    } finally {
      watch.stop();
    }
    const sts = await json(["get", "sts", "web", "-n", ns]);
    expect(sts.status).toMatchObject({ replicas: 5, readyReplicas: 5, currentReplicas: 3, updatedReplicas: 2 });
    expect(sts.status.updateRevision).not.toBe(sts.status.currentRevision);

    const web2 = await json(["get", "pod", "web-2", "-n", ns]);
    await ok(cluster, ["delete", "pod", "web-2", "-n", ns]);
    const back = await recreated(ns, "web-2", web2.metadata.uid);
    // Below the partition a recreated pod keeps the current revision, even under RollingUpdate.
    expect(back.spec.containers[0].image).toBe(OLD_IMAGE);
    expect(back.metadata.labels["controller-revision-hash"]).toBe(sts.status.currentRevision);
  });

  it("rolls out a canary with partition 2: web-2 is updated, a deleted web-1 comes back with the old image", async () => {
    await partition(2);
    expect(await rollout()).toMatch(/partitioned roll out complete: 3 new pods have been updated\.\.\.\n$/);
    expect(await imagesIn(ns)).toEqual({ ...allAt(2, OLD_IMAGE), "web-2": NEW_IMAGE, "web-3": NEW_IMAGE, "web-4": NEW_IMAGE });
    const web1 = await json(["get", "pod", "web-1", "-n", ns]);
    await ok(cluster, ["delete", "pod", "web-1", "-n", ns]);
    expect((await recreated(ns, "web-1", web1.metadata.uid)).spec.containers[0].image).toBe(OLD_IMAGE);
  });

  it("phases the roll out to every pod with partition 0, then undoes it", async () => {
    await partition(0);
    expect(await rollout()).toMatch(/partitioned roll out complete: 5 new pods have been updated\.\.\.\n$/);
    expect(await imagesIn(ns)).toEqual(allAt(5, NEW_IMAGE));
    expect(await ok(cluster, ["get", "sts", "web", "-n", ns, "-o", "wide"])).toMatch(new RegExp(`^web\\s+5/5\\s+\\S+\\s+nginx\\s+${NEW_IMAGE.replace(/\./g, "\\.")}\\s*$`, "m"));
    const done = await json(["get", "sts", "web", "-n", ns]);
    expect(done.status).toMatchObject({ currentReplicas: 5, updatedReplicas: 5, currentRevision: done.status.updateRevision });

    expect(await ok(cluster, ["rollout", "undo", "statefulset/web", "-n", ns])).toBe("statefulset.apps/web rolled back\n");
    expect(await rollout()).toMatch(/partitioned roll out complete: 5 new pods have been updated\.\.\.\n$/);
    expect(await imagesIn(ns)).toEqual(allAt(5, OLD_IMAGE));
    // The first template is revision 1 again, renumbered to the top.
    expect(await ok(cluster, ["rollout", "history", "statefulset/web", "-n", ns])).toMatch(/REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/);
  });

  it("OnDelete: a new template reaches a pod only when that pod is deleted", async () => {
    await ok(cluster, ["patch", "statefulset", "web", "-n", ns, "-p", '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}']);
    await ok(cluster, ["set", "image", "statefulset/web", "-n", ns, `nginx=${NEW_IMAGE}`]);
    const sts = await until("the new revision observed", async () => {
      const s = await json(["get", "sts", "web", "-n", ns]);
      return s.status.observedGeneration === s.metadata.generation && s.status.updateRevision !== s.status.currentRevision ? s : undefined;
    });
    const status = await kubectl(cluster, ["rollout", "status", "statefulset/web", "-n", ns, "--timeout=10s"]);
    expect(status.code).not.toBe(0);
    expect(status.stderr).toContain("rollout status is only available for RollingUpdate strategy type");
    expect(await imagesIn(ns)).toEqual(allAt(5, OLD_IMAGE));
    const web0 = await json(["get", "pod", "web-0", "-n", ns]);
    await ok(cluster, ["delete", "pod", "web-0", "-n", ns]);
    const back = await recreated(ns, "web-0", web0.metadata.uid);
    expect(back.metadata.labels["controller-revision-hash"]).toBe(sts.status.updateRevision);
    expect(await imagesIn(ns)).toEqual({ ...allAt(5, OLD_IMAGE), "web-0": NEW_IMAGE });
    expect((await json(["get", "sts", "web", "-n", ns])).status).toMatchObject({ readyReplicas: 5, currentReplicas: 4, updatedReplicas: 1 });
  });
});

describe("StatefulSet Basics: Parallel pod management", () => {
  const ns = "parallel";

  it("creates and deletes pods without waiting for each other", async () => {
    await ok(cluster, ["create", "namespace", ns]);
    // -v=6 logs the watch request once the server has answered it: nothing can happen unseen after that.
    const watch = spawnKubectl(cluster, ["get", "pods", "-n", ns, "-l", "app=nginx", "-w", "--output-watch-events", "-v=6"]);
    try {
      await watch.waitFor(/watch=true\S* 200 OK/);
      await ok(cluster, ["apply", "-n", ns, "-f", "-"], { input: STATEFULSET_BASICS_WEB.replace("  replicas: 2\n", "  replicas: 2\n  podManagementPolicy: \"Parallel\"\n") });
      await ok(cluster, ["rollout", "status", "statefulset/web", "-n", ns, "--timeout=60s"]);
      await watch.waitFor(/web-1\s+1\/1\s+Running/);
      let lines = watchLines(watch.output());
      // web-1 was created before web-0 became Running and Ready (OrderedReady would wait for it).
      expect(indexOf(lines, (l) => l.name === "web-1" && l.event === "ADDED")).toBeGreaterThanOrEqual(0);
      expect(indexOf(lines, (l) => l.name === "web-1" && l.event === "ADDED")).toBeLessThan(indexOf(lines, isUp("web-0")));

      await ok(cluster, ["scale", "statefulset", "web", "-n", ns, "--replicas=5"]);
      await ok(cluster, ["rollout", "status", "statefulset/web", "-n", ns, "--timeout=60s"]);
      await watch.waitFor(/web-4\s+1\/1\s+Running/);
      lines = watchLines(watch.output());
      const firstUp = Math.min(...["web-2", "web-3", "web-4"].map((n) => indexOf(lines, isUp(n))));
      for (const name of ["web-2", "web-3", "web-4"]) expect(indexOf(lines, (l) => l.name === name && l.event === "ADDED")).toBeLessThan(firstUp);

      await ok(cluster, ["scale", "statefulset", "web", "-n", ns, "--replicas=2"]);
      await until("web-2…web-4 gone", async () => (await json(["get", "pods", "-n", ns, "-l", "app=nginx"])).items.length === 2);
      lines = await until("three DELETED events", async () => {
        const seen = watchLines(watch.output());
        return seen.filter((l) => l.event === "DELETED").length === 3 ? seen : undefined;
      });
      // All three were terminating before the first of them was gone (OrderedReady: web-4 gone, then web-3…).
      const firstGone = Math.min(...["web-2", "web-3", "web-4"].map((n) => indexOf(lines, (l) => l.name === n && l.event === "DELETED")));
      for (const name of ["web-2", "web-3", "web-4"]) {
        const terminating = indexOf(lines, (l) => l.name === name && l.status === "Terminating");
        expect(terminating).toBeGreaterThanOrEqual(0);
        expect(terminating).toBeLessThan(firstGone);
      }
    } finally {
      watch.stop();
    }
    expect(await ok(cluster, ["get", "sts", "web", "-n", ns])).toMatch(/^web\s+2\/2\s+/m);
    // The claims outlive the scale down (whenScaled: Retain).
    const claims = (await json(["get", "pvc", "-n", ns])).items.map((c: any) => c.metadata.name).sort();
    expect(claims).toEqual(["www-web-0", "www-web-1", "www-web-2", "www-web-3", "www-web-4"]);
  });
});

describe("DaemonSet", () => {
  it("runs one pod per node, follows nodes, and rolls out", async () => {
    await ok(cluster, ["create", "namespace", "kube-logging"]);
    await ok(cluster, ["apply", "-n", "kube-logging", "-f", "-"], {
      input: "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: fluentd-elasticsearch\n  labels:\n    k8s-app: fluentd-logging\nspec:\n  selector:\n    matchLabels:\n      name: fluentd-elasticsearch\n  template:\n    metadata:\n      labels:\n        name: fluentd-elasticsearch\n    spec:\n      tolerations:\n      - key: node-role.kubernetes.io/control-plane\n        operator: Exists\n        effect: NoSchedule\n      containers:\n      - name: fluentd-elasticsearch\n        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2\n",
    });
    await ok(cluster, ["rollout", "status", "ds/fluentd-elasticsearch", "-n", "kube-logging", "--timeout=60s"]);
    expect(await ok(cluster, ["get", "ds", "-n", "kube-logging"])).toMatch(/^fluentd-elasticsearch\s+3\s+3\s+3\s+3\s+3\s+<none>/m);
    await ok(cluster, ["apply", "-f", "-"], { input: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-extra\n" });
    await until("a 4th daemon pod", async () => (await json(["get", "pods", "-n", "kube-logging"])).items.filter((p: any) => p.status.phase === "Running").length === 4);
    await ok(cluster, ["taint", "node", "node-extra", "dedicated=x:NoExecute"]);
    await until("the tainted node's pod gone", async () => (await json(["get", "pods", "-n", "kube-logging"])).items.length === 3);
    await ok(cluster, ["set", "image", "ds/fluentd-elasticsearch", "-n", "kube-logging", "fluentd-elasticsearch=quay.io/fluentd_elasticsearch/fluentd:v2.6.0"]);
    await ok(cluster, ["rollout", "status", "ds/fluentd-elasticsearch", "-n", "kube-logging", "--timeout=60s"]);
    const images = (await json(["get", "pods", "-n", "kube-logging"])).items.map((p: any) => p.spec.containers[0].image);
    expect(new Set(images)).toEqual(new Set(["quay.io/fluentd_elasticsearch/fluentd:v2.6.0"]));
    expect(await ok(cluster, ["rollout", "history", "ds/fluentd-elasticsearch", "-n", "kube-logging"])).toMatch(/^1\s+<none>\n2\s+<none>/m);
    expect(await ok(cluster, ["rollout", "undo", "ds/fluentd-elasticsearch", "-n", "kube-logging"])).toContain("daemonset.apps/fluentd-elasticsearch rolled back");
    await ok(cluster, ["rollout", "status", "ds/fluentd-elasticsearch", "-n", "kube-logging", "--timeout=60s"]);
    const undone = (await json(["get", "pods", "-n", "kube-logging"])).items.map((p: any) => p.spec.containers[0].image);
    expect(new Set(undone)).toEqual(new Set(["quay.io/fluentd_elasticsearch/fluentd:v2.5.2"]));

    // A node removed takes its daemon pod with it.
    await ok(cluster, ["apply", "-f", "-"], { input: "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-gone\n" });
    await until("a daemon pod on node-gone", async () => (await json(["get", "pods", "-n", "kube-logging", "--field-selector", "spec.nodeName=node-gone"])).items.length === 1);
    await ok(cluster, ["delete", "node", "node-gone"]);
    await until("node-gone's pod gone", async () => (await json(["get", "pods", "-n", "kube-logging"])).items.length === 3);
    expect(await ok(cluster, ["get", "ds", "-n", "kube-logging"])).toMatch(/^fluentd-elasticsearch\s+3\s+3\s+3\s+3\s+3\s+<none>/m);
  });
});
