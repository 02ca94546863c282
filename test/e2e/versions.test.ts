/**
 * Every kubectl a user may have: 1.32+ send protobuf bodies from their typed clients (create
 * generators, autoscale, create job --from, drain --disable-eviction), and `apply -f` of a List is
 * validated client-side against /openapi/v2. Runs against each versioned binary this machine has.
 */
import { describe, expect, it } from "vitest";
import { installedKubectlVersions, kubectl, newCluster, ok } from "./helpers";

const available = installedKubectlVersions();

const LIST = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: listed
  data:
    a: b
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: listed
  spec:
    replicas: 1
    selector:
      matchLabels: {app: listed}
    template:
      metadata:
        labels: {app: listed}
      spec:
        containers:
        - name: nginx
          image: nginx
`;

describe.each(available)("kubectl %s", (version) => {
  it("runs every imperative create generator, autoscale, create job --from and drain", async () => {
    const cluster = await newCluster({ name: `v${version.replace(".", "-")}`, nodes: 2, simulation: { profile: "fast" } });
    const run = (args: string[], input?: string) => ok(cluster, args, { version, input });
    expect(await run(["create", "namespace", "ns1"])).toContain("namespace/ns1 created");
    expect(await run(["create", "deployment", "web", "--image=nginx", "--replicas=2", "--port=80"])).toContain("deployment.apps/web created");
    expect(await run(["create", "deployment", "zero", "--image=nginx", "--replicas=0"])).toContain("created");
    expect((await run(["get", "deployment", "zero", "-o", "jsonpath={.spec.replicas}"]))).toBe("0");
    expect(await run(["create", "configmap", "cm", "--from-literal=a=b"])).toContain("configmap/cm created");
    expect(await run(["create", "secret", "generic", "s", "--from-literal=p=q"])).toContain("secret/s created");
    expect(await run(["create", "service", "clusterip", "svc", "--tcp=80:8080"])).toContain("service/svc created");
    expect(await run(["create", "serviceaccount", "sa"])).toContain("serviceaccount/sa created");
    expect(await run(["create", "poddisruptionbudget", "pdb", "--selector=app=web", "--min-available=1"])).toContain("poddisruptionbudget.policy/pdb created");
    expect(await run(["create", "job", "j", "--image=busybox", "--", "echo", "hi"])).toContain("job.batch/j created");
    expect(await run(["create", "cronjob", "c", "--image=busybox", "--schedule=*/1 * * * *", "--", "date"])).toContain("cronjob.batch/c created");
    expect(await run(["create", "job", "from-c", "--from=cronjob/c"])).toContain("job.batch/from-c created");
    expect(await run(["autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu-percent=70"])).toContain("horizontalpodautoscaler.autoscaling/web autoscaled");
    expect(JSON.parse(await run(["get", "hpa", "web", "-o", "json"])).spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
    expect(await run(["create", "token", "sa"])).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n?$/);
    expect(await run(["get", "cm", "cm", "-o", "jsonpath={.data.a}"])).toBe("b");

    await run(["rollout", "status", "deployment/web", "--timeout=60s"]);
    const node = JSON.parse(await run(["get", "pods", "-l", "app=web", "-o", "json"])).items[0].spec.nodeName;
    const drain = await kubectl(cluster, ["drain", node, "--disable-eviction", "--ignore-daemonsets", "--force", "--timeout=60s"], { version });
    expect(drain.code, drain.stderr).toBe(0);
    expect(drain.stdout).toContain(`node/${node} drained`);

    expect(await run(["apply", "-f", "-"], LIST)).toMatch(/configmap\/listed created\ndeployment.apps\/listed created/);
    const bad = await kubectl(cluster, ["apply", "-f", "-"], { version, input: LIST.replace("replicas: 1", "replicaz: 1") });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('unknown field "replicaz" in io.k8s.api.apps.v1.DeploymentSpec');
  });
});
