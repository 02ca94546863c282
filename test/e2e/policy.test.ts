/**
 * Policy kinds through the real kubectl, as the Kubernetes docs walk them: ResourceQuota, LimitRange,
 * Ingress, NetworkPolicy, RBAC, PriorityClass and the auth reviews; the kubectl generators for them
 * (protobuf bodies on 1.32+); and the pages "Configure Default Memory/CPU Requests and Limits",
 * "Configure Minimum and Maximum Memory/CPU Constraints", "Configure Memory and CPU Quotas" and
 * "Configure a Pod Quota for a Namespace" (fast profile).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { installedKubectlVersions, kubectl, newCluster, ok, type Cluster, until } from "./helpers";

let cluster: Cluster;
const json = async (args: string[]) => JSON.parse(await ok(cluster, [...args, "-o", "json"]));
const apply = (ns: string, manifest: string) => ok(cluster, ["apply", "-n", ns, "-f", "-"], { input: manifest });
const attempt = (ns: string, manifest: string) => kubectl(cluster, ["apply", "-n", ns, "-f", "-"], { input: manifest });

/** A one-container pod manifest; `resources` as the docs' examples give them. */
function pod(name: string, image: string, resources?: { limits?: Record<string, string>; requests?: Record<string, string> }): string {
  return JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: `${name}-ctr`, image, ...(resources ? { resources } : {}) }] } });
}

const limitRange = (name: string, limits: Record<string, unknown>) => JSON.stringify({ apiVersion: "v1", kind: "LimitRange", metadata: { name }, spec: { limits: [{ ...limits, type: "Container" }] } });

beforeAll(async () => {
  cluster = await newCluster({ name: "policy", nodes: 3, simulation: { profile: "fast" } });
});

describe("the policy kinds are served", () => {
  it("lists them in api-resources with upstream's short names", async () => {
    const out = await ok(cluster, ["api-resources"]);
    for (const line of [
      /^resourcequotas\s+quota\s+v1\s+true\s+ResourceQuota$/m,
      /^limitranges\s+limits\s+v1\s+true\s+LimitRange$/m,
      /^podtemplates\s+v1\s+true\s+PodTemplate$/m,
      /^ingresses\s+ing\s+networking\.k8s\.io\/v1\s+true\s+Ingress$/m,
      /^ingressclasses\s+networking\.k8s\.io\/v1\s+false\s+IngressClass$/m,
      /^networkpolicies\s+netpol\s+networking\.k8s\.io\/v1\s+true\s+NetworkPolicy$/m,
      /^roles\s+rbac\.authorization\.k8s\.io\/v1\s+true\s+Role$/m,
      /^clusterrolebindings\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRoleBinding$/m,
      /^priorityclasses\s+pc\s+scheduling\.k8s\.io\/v1\s+false\s+PriorityClass$/m,
      /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview$/m,
    ]) {
      expect(out).toMatch(line);
    }
  });

  it("answers kubectl auth can-i and whoami for the cluster-admin token", async () => {
    expect(await ok(cluster, ["auth", "can-i", "create", "pods"])).toBe("yes\n");
    expect(await ok(cluster, ["auth", "can-i", "delete", "nodes", "--all-namespaces"])).toBe("yes\n");
    const list = await ok(cluster, ["auth", "can-i", "--list"]);
    expect(list).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
    expect(list).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    const whoami = await ok(cluster, ["auth", "whoami"]);
    expect(whoami).toMatch(/^Username\s+kubernetes-admin$/m);
    expect(whoami).toMatch(/^Groups\s+\[system:masters system:authenticated\]$/m);
  });

  it("seeds the system PriorityClasses and the user-facing ClusterRoles", async () => {
    const pcs = await ok(cluster, ["get", "pc"]);
    expect(pcs).toMatch(/^NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE\s+PREEMPTIONPOLICY$/m);
    expect(pcs).toMatch(/^system-cluster-critical\s+2000000000\s+false\s+\S+\s+PreemptLowerPriority$/m);
    expect(pcs).toMatch(/^system-node-critical\s+2000001000\s+false\s+\S+\s+PreemptLowerPriority$/m);
    const roles = await ok(cluster, ["get", "clusterroles", "-o", "name"]);
    for (const name of ["admin", "cluster-admin", "edit", "view"]) expect(roles).toContain(`clusterrole.rbac.authorization.k8s.io/${name}\n`);
    expect(await ok(cluster, ["get", "clusterrolebinding", "cluster-admin", "-o", "wide"])).toMatch(/^cluster-admin\s+ClusterRole\/cluster-admin\s+\S+\s+system:masters\s*$/m);
    const view = await ok(cluster, ["describe", "clusterrole", "view"]);
    expect(view).toMatch(/^\s+deployments\.apps\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
  });
});

describe.each(installedKubectlVersions())("the kubectl %s generators", (version) => {
  const ns = `gen-${version.replace(".", "-")}`;
  const run = (args: string[]) => ok(cluster, args, { version });

  it("create quota, role, rolebinding, clusterrole, clusterrolebinding, ingress and priorityclass", async () => {
    await run(["create", "namespace", ns]);
    const suffix = version.replace(".", "");
    expect(await run(["create", "quota", "my-quota", "-n", ns, "--hard=cpu=1,memory=1G,pods=2,services=3,replicationcontrollers=2,resourcequotas=1,secrets=5,persistentvolumeclaims=10"])).toBe("resourcequota/my-quota created\n");
    expect(await run(["create", "role", "pod-reader", "-n", ns, "--verb=get", "--verb=list", "--verb=watch", "--resource=pods"])).toBe("role.rbac.authorization.k8s.io/pod-reader created\n");
    expect(await run(["create", "rolebinding", "admin", "-n", ns, "--clusterrole=admin", "--user=user1", "--user=user2", "--group=group1", `--serviceaccount=${ns}:sa1`])).toBe("rolebinding.rbac.authorization.k8s.io/admin created\n");
    expect(await run(["create", "clusterrole", `pod-reader-${suffix}`, "--verb=get,list,watch", "--resource=pods"])).toBe(`clusterrole.rbac.authorization.k8s.io/pod-reader-${suffix} created\n`);
    expect(await run(["create", "clusterrolebinding", `root-${suffix}`, "--clusterrole=cluster-admin", "--user=root"])).toBe(`clusterrolebinding.rbac.authorization.k8s.io/root-${suffix} created\n`);
    expect(await run(["create", "ingress", "simple", "-n", ns, "--rule=foo.com/bar=svc1:8080,tls=my-cert"])).toBe("ingress.networking.k8s.io/simple created\n");
    expect(await run(["create", "priorityclass", `high-priority-${suffix}`, "--value=1000", "--description=high priority"])).toBe(`priorityclass.scheduling.k8s.io/high-priority-${suffix} created\n`);

    const quota = await until("the quota's status", async () => {
      const text = await run(["describe", "quota", "my-quota", "-n", ns]);
      return /^resourcequotas\s+1\s+1$/m.test(text) ? text : undefined;
    });
    expect(quota).toMatch(/^memory\s+0\s+1G$/m);
    expect(quota).toMatch(/^pods\s+0\s+2$/m);
    expect(await run(["get", "role", "pod-reader", "-n", ns, "-o", "jsonpath={.rules}"])).toBe('[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list","watch"]}]');
    expect(await run(["get", "rolebinding", "admin", "-n", ns, "-o", "wide"])).toMatch(new RegExp(`^admin\\s+ClusterRole/admin\\s+\\S+\\s+user1, user2\\s+group1\\s+${ns}/sa1$`, "m"));
    expect(await run(["get", "ingress", "-n", ns])).toMatch(/^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE\nsimple\s+<none>\s+foo\.com\s+80, 443\s+\S+\n$/);
    const ingress = await run(["describe", "ingress", "simple", "-n", ns]);
    expect(ingress).toMatch(/^\s+my-cert terminates foo\.com$/m);
    expect(ingress).toMatch(/^\s+\/bar\s+svc1:8080 /m);
    expect(await run(["get", "pc", `high-priority-${suffix}`])).toMatch(new RegExp(`^high-priority-${suffix}\\s+1000\\s+false\\s+\\S+\\s+PreemptLowerPriority$`, "m"));
  });
});

describe("Configure Default Memory Requests and Limits for a Namespace", () => {
  const ns = "default-mem-example";

  it("gives containers the LimitRange's defaults and says so in an annotation", async () => {
    await ok(cluster, ["create", "namespace", ns]);
    expect(await apply(ns, limitRange("mem-limit-range", { default: { memory: "512Mi" }, defaultRequest: { memory: "256Mi" } }))).toBe("limitrange/mem-limit-range created\n");

    await apply(ns, pod("default-mem-demo", "nginx"));
    const p = await json(["get", "pod", "default-mem-demo", "--namespace", ns]);
    expect(p.spec.containers[0].resources).toEqual({ limits: { memory: "512Mi" }, requests: { memory: "256Mi" } });
    expect(p.metadata.annotations["kubernetes.io/limit-ranger"]).toBe("LimitRanger plugin set: memory request for container default-mem-demo-ctr; memory limit for container default-mem-demo-ctr");
    expect(p.status.qosClass).toBe("Burstable");

    // A limit but no request: the request is the limit (pod defaulting), not the LimitRange's.
    await apply(ns, pod("default-mem-demo-2", "nginx", { limits: { memory: "1Gi" } }));
    expect((await json(["get", "pod", "default-mem-demo-2", "--namespace", ns])).spec.containers[0].resources).toEqual({ limits: { memory: "1Gi" }, requests: { memory: "1Gi" } });

    // A request but no limit: the limit is the LimitRange's default.
    await apply(ns, pod("default-mem-demo-3", "nginx", { requests: { memory: "128Mi" } }));
    expect((await json(["get", "pod", "default-mem-demo-3", "--namespace", ns])).spec.containers[0].resources).toEqual({ limits: { memory: "512Mi" }, requests: { memory: "128Mi" } });

    const described = await ok(cluster, ["describe", "limitrange", "mem-limit-range", "-n", ns]);
    expect(described).toMatch(/^Container\s+memory\s+-\s+-\s+256Mi\s+512Mi\s+-$/m);
    expect(await ok(cluster, ["get", "limits", "-n", ns])).toMatch(/^NAME\s+CREATED AT\nmem-limit-range\s+\d{4}-\d\d-\d\dT/);
  });
});

describe("Configure Default CPU Requests and Limits for a Namespace", () => {
  const ns = "default-cpu-example";

  it("defaults cpu to 1 / 500m", async () => {
    await ok(cluster, ["create", "namespace", ns]);
    await apply(ns, limitRange("cpu-limit-range", { default: { cpu: "1" }, defaultRequest: { cpu: "0.5" } }));
    await apply(ns, pod("default-cpu-demo", "nginx"));
    const text = await ok(cluster, ["get", "pod", "default-cpu-demo", "--output=yaml", "--namespace", ns]);
    expect(text).toMatch(/^ {4}resources:\n {6}limits:\n {8}cpu: "1"\n {6}requests:\n {8}cpu: 500m$/m);
    await apply(ns, pod("default-cpu-demo-3", "nginx", { requests: { cpu: "0.75" } }));
    expect((await json(["get", "pod", "default-cpu-demo-3", "--namespace", ns])).spec.containers[0].resources).toEqual({ limits: { cpu: "1" }, requests: { cpu: "750m" } });
  });
});

describe("Configure Minimum and Maximum Memory Constraints for a Namespace", () => {
  const ns = "constraints-mem-example";

  it("defaults from max, and refuses containers outside min and max", async () => {
    await ok(cluster, ["create", "namespace", ns]);
    await apply(ns, limitRange("mem-min-max-demo-lr", { max: { memory: "1Gi" }, min: { memory: "500Mi" } }));
    const lr = await json(["get", "limitrange", "mem-min-max-demo-lr", "--namespace", ns]);
    expect(lr.spec.limits).toEqual([{ default: { memory: "1Gi" }, defaultRequest: { memory: "1Gi" }, max: { memory: "1Gi" }, min: { memory: "500Mi" }, type: "Container" }]);

    expect(await apply(ns, pod("constraints-mem-demo", "nginx", { limits: { memory: "800Mi" }, requests: { memory: "600Mi" } }))).toBe("pod/constraints-mem-demo created\n");

    const tooBig = await attempt(ns, pod("constraints-mem-demo-2", "nginx", { limits: { memory: "1.5Gi" }, requests: { memory: "800Mi" } }));
    expect(tooBig.code).not.toBe(0);
    expect(tooBig.stderr).toContain('Error from server (Forbidden): error when creating "STDIN": pods "constraints-mem-demo-2" is forbidden: maximum memory usage per Container is 1Gi, but limit is 1536Mi');

    const tooSmall = await attempt(ns, pod("constraints-mem-demo-3", "nginx", { limits: { memory: "800Mi" }, requests: { memory: "100Mi" } }));
    expect(tooSmall.stderr).toContain('pods "constraints-mem-demo-3" is forbidden: minimum memory usage per Container is 500Mi, but request is 100Mi');

    await apply(ns, pod("constraints-mem-demo-4", "nginx"));
    expect((await json(["get", "pod", "constraints-mem-demo-4", "--namespace", ns])).spec.containers[0].resources).toEqual({ limits: { memory: "1Gi" }, requests: { memory: "1Gi" } });
  });
});

describe("Configure Minimum and Maximum CPU Constraints for a Namespace", () => {
  const ns = "constraints-cpu-example";

  it("refuses containers outside 200m–800m", async () => {
    await ok(cluster, ["create", "namespace", ns]);
    await apply(ns, limitRange("cpu-min-max-demo-lr", { max: { cpu: "800m" }, min: { cpu: "200m" } }));
    await apply(ns, pod("constraints-cpu-demo", "nginx", { limits: { cpu: "800m" }, requests: { cpu: "500m" } }));
    await until("constraints-cpu-demo Running", async () => (await json(["get", "pod", "constraints-cpu-demo", "--namespace", ns])).status.phase === "Running");

    const tooBig = await attempt(ns, pod("constraints-cpu-demo-2", "nginx", { limits: { cpu: "1.5" }, requests: { cpu: "500m" } }));
    expect(tooBig.stderr).toContain('pods "constraints-cpu-demo-2" is forbidden: maximum cpu usage per Container is 800m, but limit is 1500m');
    const tooSmall = await attempt(ns, pod("constraints-cpu-demo-3", "nginx", { limits: { cpu: "800m" }, requests: { cpu: "100m" } }));
    expect(tooSmall.stderr).toContain('pods "constraints-cpu-demo-3" is forbidden: minimum cpu usage per Container is 200m, but request is 100m');

    await apply(ns, pod("constraints-cpu-demo-4", "vish/stress"));
    expect((await json(["get", "pod", "constraints-cpu-demo-4", "--namespace", ns])).spec.containers[0].resources).toEqual({ limits: { cpu: "800m" }, requests: { cpu: "800m" } });
  });
});

describe("Configure Memory and CPU Quotas for a Namespace", () => {
  const ns = "quota-mem-cpu-example";
  const quota = JSON.stringify({
    apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "mem-cpu-demo" },
    spec: { hard: { "requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi" } },
  });

  it("counts the first pod and refuses the second, which would pass 1Gi of requests", async () => {
    await ok(cluster, ["create", "namespace", ns]);
    await apply(ns, quota);
    await apply(ns, pod("quota-mem-cpu-demo", "nginx", { limits: { memory: "800Mi", cpu: "800m" }, requests: { memory: "600Mi", cpu: "400m" } }));

    const status = await until("used figures", async () => {
      const q = await json(["get", "resourcequota", "mem-cpu-demo", "--namespace", ns]);
      return q.status?.used?.["requests.memory"] === "600Mi" ? q.status : undefined;
    });
    expect(status).toEqual({
      hard: { "limits.cpu": "2", "limits.memory": "2Gi", "requests.cpu": "1", "requests.memory": "1Gi" },
      used: { "limits.cpu": "800m", "limits.memory": "800Mi", "requests.cpu": "400m", "requests.memory": "600Mi" },
    });
    expect(await ok(cluster, ["get", "resourcequota", "mem-cpu-demo", "--namespace", ns, "-o", "jsonpath={ .status.used }"])).toBe(
      '{"limits.cpu":"800m","limits.memory":"800Mi","requests.cpu":"400m","requests.memory":"600Mi"}',
    );
    const described = await ok(cluster, ["describe", "quota", "mem-cpu-demo", "-n", ns]);
    expect(described).toMatch(/^Resource\s+Used\s+Hard\n-+\s+-+\s+-+\nlimits\.cpu\s+800m\s+2\nlimits\.memory\s+800Mi\s+2Gi\nrequests\.cpu\s+400m\s+1\nrequests\.memory\s+600Mi\s+1Gi$/m);
    expect(await ok(cluster, ["get", "quota", "-n", ns])).toMatch(/^mem-cpu-demo\s+requests\.cpu: 400m\/1, requests\.memory: 600Mi\/1Gi\s+limits\.cpu: 800m\/2, limits\.memory: 800Mi\/2Gi\s+\S+$/m);

    const second = await attempt(ns, pod("quota-mem-cpu-demo-2", "redis", { limits: { memory: "1Gi", cpu: "800m" }, requests: { memory: "700Mi", cpu: "400m" } }));
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(
      'Error from server (Forbidden): error when creating "STDIN": pods "quota-mem-cpu-demo-2" is forbidden: exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi',
    );

    const bare = await kubectl(cluster, ["run", "bare", "--image=nginx", "-n", ns]);
    expect(bare.stderr).toContain('pods "bare" is forbidden: failed quota: mem-cpu-demo: must specify limits.cpu for: bare; limits.memory for: bare; requests.cpu for: bare; requests.memory for: bare');

    // Deleting the pod gives its share back.
    await ok(cluster, ["delete", "pod", "quota-mem-cpu-demo", "-n", ns, "--grace-period=0", "--force"]);
    await until("usage released", async () => (await json(["get", "quota", "mem-cpu-demo", "-n", ns])).status.used["requests.memory"] === "0");
    expect(await apply(ns, pod("quota-mem-cpu-demo-2", "redis", { limits: { memory: "1Gi", cpu: "800m" }, requests: { memory: "700Mi", cpu: "400m" } }))).toBe("pod/quota-mem-cpu-demo-2 created\n");
  });
});

describe("Configure a Pod Quota for a Namespace", () => {
  const ns = "quota-pod-example";

  it("lets a 3-replica Deployment make only two pods, and says why", async () => {
    await ok(cluster, ["create", "namespace", ns]);
    await apply(ns, JSON.stringify({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "pod-demo" }, spec: { hard: { pods: "2" } } }));
    const fresh = await until("status", async () => (await json(["get", "resourcequota", "pod-demo", "--namespace", ns])).status?.used);
    expect(fresh).toEqual({ pods: "0" });

    await apply(ns, JSON.stringify({
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "pod-quota-demo" },
      spec: { selector: { matchLabels: { purpose: "quota-demo" } }, replicas: 3, template: { metadata: { labels: { purpose: "quota-demo" } }, spec: { containers: [{ name: "pod-quota-demo", image: "nginx" }] } } },
    }));
    const deployment = await until("ReplicaFailure", async () => {
      const d = await json(["get", "deployment", "pod-quota-demo", "--namespace", ns]);
      return d.status.availableReplicas === 2 && d.status.conditions?.some((c: { type: string }) => c.type === "ReplicaFailure") ? d : undefined;
    });
    expect(deployment.spec.replicas).toBe(3);
    const failure = deployment.status.conditions.find((c: { type: string }) => c.type === "ReplicaFailure");
    expect(failure).toMatchObject({ status: "True", reason: "FailedCreate" });
    expect(failure.message).toMatch(/^pods "pod-quota-demo-[a-z0-9]+-" is forbidden: exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2$/);

    expect((await json(["get", "pods", "-n", ns])).items).toHaveLength(2);
    const events = await ok(cluster, ["get", "events", "-n", ns]);
    expect(events).toMatch(/Warning\s+FailedCreate\s+replicaset\/pod-quota-demo-[a-z0-9]+\s+Error creating: pods "pod-quota-demo-[a-z0-9]+-" is forbidden: exceeded quota: pod-demo/);
    expect(await ok(cluster, ["describe", "quota", "pod-demo", "-n", ns])).toMatch(/^pods\s+2\s+2$/m);

    // Raising the quota lets the ReplicaSet finish.
    await ok(cluster, ["patch", "quota", "pod-demo", "-n", ns, "--type=merge", "-p", '{"spec":{"hard":{"pods":"3"}}}']);
    await ok(cluster, ["delete", "pod", "-n", ns, "-l", "purpose=quota-demo", "--wait=false"]);
    await until("three pods", async () => (await json(["get", "deployment", "pod-quota-demo", "-n", ns])).status.availableReplicas === 3);
  });
});

describe("object-count quotas", () => {
  it("refuses a third ConfigMap under count/configmaps=2 (kube-root-ca.crt is one)", async () => {
    const ns = "quota-object-example";
    await ok(cluster, ["create", "namespace", ns]);
    await ok(cluster, ["create", "quota", "object-counts", "-n", ns, "--hard=count/configmaps=2,count/deployments.apps=1"]);
    expect(await ok(cluster, ["create", "configmap", "one", "-n", ns])).toBe("configmap/one created\n");
    const third = await kubectl(cluster, ["create", "configmap", "two", "-n", ns]);
    expect(third.stderr).toContain('configmaps "two" is forbidden: exceeded quota: object-counts, requested: count/configmaps=1, used: count/configmaps=2, limited: count/configmaps=2');
    await ok(cluster, ["create", "deployment", "web", "--image=nginx", "-n", ns]);
    const second = await kubectl(cluster, ["create", "deployment", "web2", "--image=nginx", "-n", ns]);
    expect(second.stderr).toContain('deployments.apps "web2" is forbidden: exceeded quota: object-counts, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1');
  });
});

describe("PriorityClass and pod priority", () => {
  it("resolves priorityClassName to priority, as the Priority admission plugin does", async () => {
    await ok(cluster, ["apply", "-f", "-"], {
      input: JSON.stringify({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high-priority" }, value: 1000000, globalDefault: false, description: "This priority class should be used for XYZ service pods only." }),
    });
    await ok(cluster, ["apply", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "nginx", labels: { env: "test" } }, spec: { containers: [{ name: "nginx", image: "nginx" }], priorityClassName: "high-priority" } }) });
    const p = await json(["get", "pod", "nginx"]);
    expect(p.spec).toMatchObject({ priority: 1000000, preemptionPolicy: "PreemptLowerPriority", priorityClassName: "high-priority" });
    expect(await ok(cluster, ["describe", "pod", "nginx"])).toMatch(/^Priority:\s+1000000\nPriority Class Name:\s+high-priority$/m);

    const critical = await json(["run", "critical", "--image=nginx", "--overrides={\"spec\":{\"priorityClassName\":\"system-node-critical\"}}", "--dry-run=server"]);
    expect(critical.spec.priority).toBe(2000001000);

    const unknown = await kubectl(cluster, ["run", "lost", "--image=nginx", "--overrides={\"spec\":{\"priorityClassName\":\"no-such-class\"}}"]);
    expect(unknown.stderr).toContain('Error from server (Forbidden): pods "lost" is forbidden: no PriorityClass with name no-such-class was found');

    const reserved = await kubectl(cluster, ["create", "priorityclass", "system-mine", "--value=10"]);
    expect(reserved.stderr).toContain("priority class names with 'system-' prefix are reserved for system use only");
  });

  it("allows one global default only, which pods without a class then get", async () => {
    await ok(cluster, ["create", "priorityclass", "everyone", "--value=500", "--global-default"]);
    const second = await kubectl(cluster, ["create", "priorityclass", "everyone-else", "--value=600", "--global-default"]);
    expect(second.stderr).toContain('priorityclasses.scheduling.k8s.io "everyone-else" is forbidden: PriorityClass everyone is already marked as default. Only one default can exist');
    const p = await json(["run", "plain", "--image=nginx", "--dry-run=server"]);
    expect(p.spec).toMatchObject({ priority: 500, priorityClassName: "everyone" });
    await ok(cluster, ["delete", "priorityclass", "everyone"]);
  });
});

describe("Ingress, NetworkPolicy and RBAC manifests", () => {
  it("stores and prints them as upstream does", async () => {
    const ns = "policy-manifests";
    await ok(cluster, ["create", "namespace", ns]);
    await apply(ns, JSON.stringify({
      apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "minimal-ingress", annotations: { "nginx.ingress.kubernetes.io/rewrite-target": "/" } },
      spec: { ingressClassName: "nginx-example", rules: [{ http: { paths: [{ path: "/testpath", pathType: "Prefix", backend: { service: { name: "test", port: { number: 80 } } } }] } }] },
    }));
    expect(await ok(cluster, ["get", "ing", "-n", ns])).toMatch(/^minimal-ingress\s+nginx-example\s+\*\s+80\s+\S+$/m);

    await apply(ns, JSON.stringify({
      apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "test-network-policy" },
      spec: {
        podSelector: { matchLabels: { role: "db" } }, policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ ipBlock: { cidr: "172.17.0.0/16", except: ["172.17.1.0/24"] } }, { namespaceSelector: { matchLabels: { project: "myproject" } } }, { podSelector: { matchLabels: { role: "frontend" } } }], ports: [{ protocol: "TCP", port: 6379 }] }],
        egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ protocol: "TCP", port: 5978 }] }],
      },
    }));
    expect(await ok(cluster, ["get", "netpol", "-n", ns])).toMatch(/^NAME\s+POD-SELECTOR\s+AGE\ntest-network-policy\s+role=db\s+\S+$/m);
    expect(await ok(cluster, ["describe", "netpol", "test-network-policy", "-n", ns])).toMatch(/To Port: 6379\/TCP/);

    const bad = await attempt(ns, JSON.stringify({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "broken" }, spec: { rules: [{ http: { paths: [{ path: "/", backend: { service: { name: "test", port: { number: 80 } } } }] } }] } }));
    expect(bad.stderr).toContain('The Ingress "broken" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified');

    await apply(ns, JSON.stringify({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "pod-reader" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "watch", "list"] }] }));
    await apply(ns, JSON.stringify({
      apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "read-pods" },
      subjects: [{ kind: "User", name: "jane", apiGroup: "rbac.authorization.k8s.io" }], roleRef: { kind: "Role", name: "pod-reader", apiGroup: "rbac.authorization.k8s.io" },
    }));
    expect(await ok(cluster, ["get", "rolebinding", "read-pods", "-n", ns])).toMatch(/^NAME\s+ROLE\s+AGE\nread-pods\s+Role\/pod-reader\s+\S+$/m);
    const binding = await ok(cluster, ["describe", "rolebinding", "read-pods", "-n", ns]);
    expect(binding).toMatch(/^Role:\n\s+Kind:\s+Role\n\s+Name:\s+pod-reader$/m);
    expect(binding).toMatch(/^\s+User\s+jane\s*$/m);
    const changedRef = await kubectl(cluster, ["patch", "rolebinding", "read-pods", "-n", ns, "--type=merge", "-p", '{"roleRef":{"name":"other"}}']);
    expect(changedRef.stderr).toContain('The RoleBinding "read-pods" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef');

    const ns2 = await ok(cluster, ["describe", "namespace", ns]);
    expect(ns2).toContain("No resource quota.");
  });
});
