/**
 * The Deployments concept page of the Kubernetes docs, step by step with the real kubectl, plus the
 * ReplicaSet page's pod acquisition, a ReplicationController replacing a deleted pod, and each
 * cascade mode of deletion. Fast simulation profile.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { kubectl, newCluster, ok, type Cluster, until } from "./helpers";

let cluster: Cluster;

const NGINX_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
`;


const json = async (args: string[]) => JSON.parse(await ok(cluster, [...args, "-o", "json"]));
const replicaSets = async () => (await json(["get", "rs", "-l", "app=nginx"])).items as any[];

beforeAll(async () => {
  cluster = await newCluster({ name: "deployments", nodes: 3, simulation: { profile: "fast" } });
});

describe("the Deployments concept page", () => {
  it("creates nginx-deployment with 3 ready replicas", async () => {
    expect(await ok(cluster, ["apply", "-f", "-"], { input: NGINX_DEPLOYMENT })).toContain("deployment.apps/nginx-deployment created");
    expect(await ok(cluster, ["rollout", "status", "deployment/nginx-deployment", "--timeout=60s"])).toContain('deployment "nginx-deployment" successfully rolled out');
    expect(await ok(cluster, ["get", "deployments"])).toMatch(/^nginx-deployment\s+3\/3\s+3\s+3\s+/m);
    const [rs] = await replicaSets();
    expect(rs.metadata.name).toMatch(/^nginx-deployment-[a-z0-9]+$/);
    expect(rs.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("1");
    expect(await ok(cluster, ["get", "rs"])).toMatch(new RegExp(`^${rs.metadata.name}\\s+3\\s+3\\s+3\\s+`, "m"));
    const labels = await ok(cluster, ["get", "pods", "--show-labels"]);
    expect(labels).toMatch(new RegExp(`app=nginx,pod-template-hash=${rs.metadata.labels["pod-template-hash"]}`));
  });

  it("rolls out nginx:1.16.1 and keeps the old ReplicaSet at 0", async () => {
    expect(await ok(cluster, ["set", "image", "deployment/nginx-deployment", "nginx=nginx:1.16.1"])).toContain("image updated");
    await ok(cluster, ["rollout", "status", "deployment/nginx-deployment", "--timeout=60s"]);
    const sets = await replicaSets();
    expect(sets).toHaveLength(2);
    const byRevision = Object.fromEntries(sets.map((rs) => [rs.metadata.annotations["deployment.kubernetes.io/revision"], rs.spec.replicas]));
    expect(byRevision).toEqual({ "1": 0, "2": 3 });
    const describe = await ok(cluster, ["describe", "deployment", "nginx-deployment"]);
    expect(describe).toMatch(/Scaled up replica set nginx-deployment-\S+ from 0 to 1/);
    expect(describe).toMatch(/NewReplicaSet:\s+nginx-deployment-\S+ \(3\/3 replicas created\)/);
  });

  it("gets stuck on the nginx:1.161 typo while keeping availability", async () => {
    await ok(cluster, ["set", "image", "deployment/nginx-deployment", "nginx=nginx:1.161"]);
    const status = await kubectl(cluster, ["rollout", "status", "deployment/nginx-deployment", "--timeout=3s"]);
    expect(status.code).not.toBe(0);
    expect(status.stdout + status.stderr).toContain("Waiting for deployment \"nginx-deployment\" rollout to finish: 1 out of 3 new replicas have been updated...");
    await until("ImagePullBackOff", async () => /ImagePullBackOff|ErrImagePull/.test(await ok(cluster, ["get", "pods"])));
    const d = await json(["get", "deployment", "nginx-deployment"]);
    expect(d.status.availableReplicas).toBeGreaterThanOrEqual(2);
    expect(await ok(cluster, ["rollout", "history", "deployment/nginx-deployment"])).toMatch(/^REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n3\s+<none>/m);
  });

  it("rolls back with undo and to a given revision", async () => {
    expect(await ok(cluster, ["rollout", "undo", "deployment/nginx-deployment"])).toContain("deployment.apps/nginx-deployment rolled back");
    await ok(cluster, ["rollout", "status", "deployment/nginx-deployment", "--timeout=60s"]);
    expect((await json(["get", "deployment", "nginx-deployment"])).spec.template.spec.containers[0].image).toBe("nginx:1.16.1");
    expect(await ok(cluster, ["rollout", "history", "deployment/nginx-deployment"])).toMatch(/^1\s+<none>\n3\s+<none>\n4\s+<none>/m);
    expect(await ok(cluster, ["rollout", "history", "deployment/nginx-deployment", "--revision=4"])).toContain("Image:\tnginx:1.16.1");
    await ok(cluster, ["rollout", "undo", "deployment/nginx-deployment", "--to-revision=1"]);
    await ok(cluster, ["rollout", "status", "deployment/nginx-deployment", "--timeout=60s"]);
    expect((await json(["get", "deployment", "nginx-deployment"])).spec.template.spec.containers[0].image).toBe("nginx:1.14.2");
    const skipped = await ok(cluster, ["rollout", "undo", "deployment/nginx-deployment", "--to-revision=5"]);
    expect(skipped).toContain("skipped rollback (current template already matches revision 5)");
  });

  it("scales to 10 in the middle of a rollout, proportionally", async () => {
    await ok(cluster, ["set", "image", "deployment/nginx-deployment", "nginx=nginx:1.161"]);
    await until("a stuck new ReplicaSet", async () => (await replicaSets()).some((rs) => rs.spec.template.spec.containers[0].image === "nginx:1.161" && rs.spec.replicas > 0));
    expect(await ok(cluster, ["scale", "deployment/nginx-deployment", "--replicas=10"])).toContain("deployment.apps/nginx-deployment scaled");
    const sized = await until("proportional sizes", async () => {
      const sets = (await replicaSets()).filter((rs) => rs.spec.replicas > 0);
      const total = sets.reduce((n, rs) => n + rs.spec.replicas, 0);
      // 10 replicas + maxSurge 3 (25% of 10, rounded up)
      return sets.length === 2 && total === 13 ? sets : undefined;
    });
    const stuck = sized.find((rs) => rs.spec.template.spec.containers[0].image === "nginx:1.161")!;
    const good = sized.find((rs) => rs.spec.template.spec.containers[0].image === "nginx:1.14.2")!;
    expect(good.spec.replicas).toBeGreaterThan(stuck.spec.replicas);
    await ok(cluster, ["rollout", "undo", "deployment/nginx-deployment"]);
    await ok(cluster, ["rollout", "status", "deployment/nginx-deployment", "--timeout=60s"]);
    expect(await ok(cluster, ["get", "deployment", "nginx-deployment"])).toMatch(/^nginx-deployment\s+10\/10\s+10\s+10\s+/m);
  });

  it("pauses, takes several changes, and resumes into one new ReplicaSet", async () => {
    const before = (await replicaSets()).length;
    expect(await ok(cluster, ["rollout", "pause", "deployment/nginx-deployment"])).toContain("paused");
    await ok(cluster, ["set", "image", "deployment/nginx-deployment", "nginx=nginx:1.16.1"]);
    await ok(cluster, ["set", "resources", "deployment/nginx-deployment", "-c=nginx", "--limits=cpu=200m,memory=512Mi"]);
    expect((await replicaSets()).length).toBe(before);
    const paused = await json(["get", "deployment", "nginx-deployment"]);
    expect(paused.status.conditions.find((c: any) => c.type === "Progressing").reason).toBe("DeploymentPaused");
    expect(await ok(cluster, ["rollout", "resume", "deployment/nginx-deployment"])).toContain("resumed");
    await ok(cluster, ["rollout", "status", "deployment/nginx-deployment", "--timeout=60s"]);
    const sets = await replicaSets();
    expect(sets.length).toBe(before + 1);
    const newest = sets.find((rs) => rs.spec.replicas === 10)!;
    expect(newest.spec.template.spec.containers[0]).toMatchObject({ image: "nginx:1.16.1", resources: { limits: { cpu: "200m", memory: "512Mi" } } });
  });

  it("reports ProgressDeadlineExceeded on a stuck rollout", async () => {
    await ok(cluster, ["patch", "deployment", "nginx-deployment", "-p", '{"spec":{"progressDeadlineSeconds":1}}']);
    await ok(cluster, ["set", "image", "deployment/nginx-deployment", "nginx=nginx:1.161"]);
    const status = await kubectl(cluster, ["rollout", "status", "deployment/nginx-deployment", "--timeout=30s"]);
    expect(status.code).not.toBe(0);
    expect(status.stderr).toContain('deployment "nginx-deployment" exceeded its progress deadline');
    const d = await json(["get", "deployment", "nginx-deployment"]);
    expect(d.status.conditions.find((c: any) => c.type === "Progressing")).toMatchObject({ status: "False", reason: "ProgressDeadlineExceeded" });
  });
});

describe("ReplicaSets, ReplicationControllers and cascading deletion", () => {
  it("acquires matching bare pods, as the ReplicaSet page shows", async () => {
    await ok(cluster, ["create", "namespace", "acquire"]);
    for (const name of ["pod1", "pod2"]) {
      await ok(cluster, ["run", name, "-n", "acquire", "--image=gcr.io/google-samples/hello-app:2.0", "--labels=tier=frontend"]);
    }
    await ok(cluster, ["apply", "-n", "acquire", "-f", "-"], {
      input: "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: frontend\n  labels:\n    app: guestbook\n    tier: frontend\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      tier: frontend\n  template:\n    metadata:\n      labels:\n        tier: frontend\n    spec:\n      containers:\n      - name: php-redis\n        image: us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5\n",
    });
    const pods = await until("3 owned pods", async () => {
      const items = (await json(["get", "pods", "-n", "acquire"])).items as any[];
      return items.length === 3 && items.every((p) => p.metadata.ownerReferences?.[0]?.name === "frontend") ? items : undefined;
    });
    expect(pods.map((p) => p.metadata.name)).toEqual(expect.arrayContaining(["pod1", "pod2"]));
  });

  it("has a ReplicationController replace a deleted pod", async () => {
    await ok(cluster, ["create", "namespace", "rc"]);
    await ok(cluster, ["apply", "-n", "rc", "-f", "-"], {
      input: "apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: nginx\nspec:\n  replicas: 3\n  selector:\n    app: nginx\n  template:\n    metadata:\n      name: nginx\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n        ports:\n        - containerPort: 80\n",
    });
    await ok(cluster, ["wait", "--for=jsonpath={.status.readyReplicas}=3", "rc/nginx", "-n", "rc", "--timeout=30s"]);
    const [victim] = (await json(["get", "pods", "-n", "rc"])).items;
    await ok(cluster, ["delete", "pod", victim.metadata.name, "-n", "rc"]);
    await until("a replacement", async () => {
      const items = (await json(["get", "pods", "-n", "rc"])).items as any[];
      return items.length === 3 && !items.some((p) => p.metadata.name === victim.metadata.name) && items.every((p) => p.status.phase === "Running");
    });
    expect(await ok(cluster, ["describe", "rc", "nginx", "-n", "rc"])).toMatch(/Pods Status:\s+3 Running/);
  });

  it.each([
    ["background", (pods: any[]) => pods.length === 0],
    ["foreground", (pods: any[]) => pods.length === 0],
    // Orphaning releases the Deployment's dependents (the ReplicaSet); its pods stay with it.
    ["orphan", (pods: any[]) => pods.length === 2 && pods.every((p) => p.metadata.ownerReferences?.[0]?.kind === "ReplicaSet")],
  ])("deletes a Deployment with --cascade=%s", async (mode, expectPods) => {
    const ns = `cascade-${mode}`;
    await ok(cluster, ["create", "namespace", ns]);
    await ok(cluster, ["create", "deployment", "web", "-n", ns, "--image=nginx", "--replicas=2"]);
    await ok(cluster, ["rollout", "status", "deployment/web", "-n", ns, "--timeout=60s"]);
    expect(await ok(cluster, ["delete", "deployment", "web", "-n", ns, `--cascade=${mode}`])).toContain('deployment.apps "web" deleted');
    await until(`pods after --cascade=${mode}`, async () => expectPods((await json(["get", "pods", "-n", ns])).items));
    const sets = (await json(["get", "rs", "-n", ns])).items as any[];
    expect(sets.length).toBe(mode === "orphan" ? 1 : 0);
    if (mode === "orphan") expect(sets[0].metadata.ownerReferences ?? []).toEqual([]);
  });
});
