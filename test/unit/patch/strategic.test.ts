import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/api/errors";
import { applyStrategicMergePatch } from "../../../src/api/patch";
import type { KObject } from "../../../src/api/types";
import { container, cronJob, daemonSet, deployment, edited, leaks, node, pod, service, widget } from "./fixtures";

const smp = (obj: KObject, patch: unknown) =>
  applyStrategicMergePatch(obj, patch, { apiVersion: obj.apiVersion!, kind: obj.kind! });

const tmpl = (d: any) => d.spec.template.spec;

// The live object kubectl's 3-way patch below was computed against.
const web = deployment("web", {
  containers: [container("nginx", { ports: [{ containerPort: 80 }], env: [{ name: "A", value: "1" }], args: ["--old"] })],
});

const withVolumes = deployment("web", { volumes: [{ name: "data", emptyDir: {} }, { name: "cfg", configMap: { name: "web-config" } }] });

interface Case {
  scenario: string;
  before: KObject;
  patch: unknown;
  expected: KObject;
}

const cases: Case[] = [
  {
    scenario: "kubectl set image: $setElementOrder/containers and the new image",
    before: web,
    patch: { spec: { template: { spec: { "$setElementOrder/containers": [{ name: "nginx" }], containers: [{ image: "nginx:1.27", name: "nginx" }] } } } },
    expected: edited(web, (d) => (tmpl(d).containers[0].image = "nginx:1.27")),
  },
  {
    scenario: "kubectl apply 3-way patch: element order, nested ports order, env deleted, sidecar and volume added, strategy switched",
    before: web,
    patch: {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "nginx" }, { name: "sidecar" }],
            containers: [
              {
                "$setElementOrder/ports": [{ containerPort: 80 }, { containerPort: 443 }],
                args: ["--a"], env: null, name: "nginx",
                ports: [{ containerPort: 443 }], volumeMounts: [{ mountPath: "/data", name: "data" }],
              },
              { image: "busybox", name: "sidecar" },
            ],
            volumes: [{ emptyDir: {}, name: "data" }],
          },
        },
        strategy: { $retainKeys: ["type"], type: "Recreate" },
      },
    },
    expected: edited(web, (d) => {
      tmpl(d).containers = [
        { name: "nginx", image: "nginx:1.25", args: ["--a"], ports: [{ containerPort: 80 }, { containerPort: 443 }], volumeMounts: [{ mountPath: "/data", name: "data" }] },
        { name: "sidecar", image: "busybox" },
      ];
      tmpl(d).volumes = [{ name: "data", emptyDir: {} }];
      d.spec.strategy = { type: "Recreate" };
    }),
  },
  {
    // Elements new to the list go before the live-only ones, as upstream's order normalisation does.
    scenario: "env: update one variable and delete another by merge key",
    before: pod("p"),
    patch: { spec: { containers: [{ name: "nginx", env: [{ name: "B", value: "2" }, { $patch: "delete", name: "A" }] }] } },
    expected: edited(pod("p"), (p) => (p.spec.containers[0].env = [{ name: "B", value: "2" }, { name: "C", value: "3" }])),
  },
  {
    scenario: "volumes: $retainKeys switches a volume's source, other volumes untouched",
    before: withVolumes,
    patch: {
      spec: { template: { spec: {
        "$setElementOrder/volumes": [{ name: "data" }, { name: "cfg" }],
        volumes: [{ $retainKeys: ["name", "persistentVolumeClaim"], name: "data", persistentVolumeClaim: { claimName: "pvc-1" } }],
      } } },
    },
    expected: edited(withVolumes, (d) => (tmpl(d).volumes[0] = { name: "data", persistentVolumeClaim: { claimName: "pvc-1" } })),
  },
  {
    scenario: "strategy: $retainKeys from RollingUpdate to Recreate drops rollingUpdate",
    before: web,
    patch: { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } },
    expected: edited(web, (d) => (d.spec.strategy = { type: "Recreate" })),
  },
  {
    scenario: "DaemonSet rollout undo: the ControllerRevision data replaces the template ($patch: replace)",
    before: daemonSet("agent", "busybox:1.37"),
    patch: { spec: { template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ image: "busybox:1.36", name: "a" }] }, $patch: "replace" } } },
    expected: edited(daemonSet("agent", "x"), (d) => {
      d.spec.template = { metadata: { labels: { app: "agent" } }, spec: { containers: [{ image: "busybox:1.36", name: "a" }] } };
    }),
  },
  {
    scenario: "rollout restart: an annotation merged into the template metadata",
    before: web,
    patch: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-03-01T10:00:00Z" } } } } },
    expected: edited(web, (d) => (d.spec.template.metadata.annotations = { "kubectl.kubernetes.io/restartedAt": "2026-03-01T10:00:00Z" })),
  },
  {
    scenario: "rollout pause",
    before: web,
    patch: { spec: { paused: true } },
    expected: edited(web, (d) => (d.spec.paused = true)),
  },
  {
    scenario: "rollout resume: null deletes paused",
    before: edited(web, (d) => (d.spec.paused = true)),
    patch: { spec: { paused: null } },
    expected: web,
  },
  {
    scenario: "cordon",
    before: node("n1"),
    patch: { spec: { unschedulable: true } },
    expected: edited(node("n1"), (n) => (n.spec.unschedulable = true)),
  },
  {
    scenario: "uncordon: {\"spec\":{\"unschedulable\":null}}",
    before: node("n1", { unschedulable: true }),
    patch: { spec: { unschedulable: null } },
    expected: node("n1"),
  },
  {
    scenario: "kubectl taint: the taints list is replaced atomically (no merge key)",
    before: node("n1", { taints: [{ key: "a", value: "1", effect: "NoSchedule" }, { key: "b", effect: "NoExecute" }] }),
    patch: { spec: { taints: [{ effect: "NoSchedule", key: "c", value: "3" }] } },
    expected: node("n1", { taints: [{ key: "c", value: "3", effect: "NoSchedule" }] }),
  },
  {
    scenario: "kubectl taint removing the last taint sends taints: null",
    before: node("n1", { taints: [{ key: "a", effect: "NoSchedule" }] }),
    patch: { spec: { taints: null } },
    expected: node("n1"),
  },
  {
    scenario: "podCIDRs (strategy merge, scalars): set union",
    before: node("n1"),
    patch: { spec: { podCIDRs: ["10.244.1.0/24", "fd00::/64"] } },
    expected: node("n1", { podCIDRs: ["10.244.1.0/24", "fd00::/64"] }),
  },
  {
    // Upstream places values new to the list before the live ones it cannot order against them.
    scenario: "finalizers: set union, new values first",
    before: pod("p", { finalizers: ["example.com/a"] }),
    patch: { metadata: { finalizers: ["example.com/b", "example.com/a"] } },
    expected: pod("p", { finalizers: ["example.com/b", "example.com/a"] }),
  },
  {
    scenario: "finalizers: $setElementOrder fixes the order of the union",
    before: pod("p", { finalizers: ["example.com/a"] }),
    patch: { metadata: { "$setElementOrder/finalizers": ["example.com/a", "example.com/b"], finalizers: ["example.com/b"] } },
    expected: pod("p", { finalizers: ["example.com/a", "example.com/b"] }),
  },
  {
    scenario: "finalizers: $deleteFromPrimitiveList removes one value",
    before: pod("p", { finalizers: ["example.com/a", "example.com/b"] }),
    patch: { metadata: { "$deleteFromPrimitiveList/finalizers": ["example.com/a"] } },
    expected: pod("p", { finalizers: ["example.com/b"] }),
  },
  {
    scenario: "ownerReferences merge by uid",
    before: pod("p", { ownerReferences: [{ uid: "u1", kind: "ReplicaSet", name: "rs1", controller: true }] }),
    patch: { metadata: { ownerReferences: [{ uid: "u1", blockOwnerDeletion: true }] } },
    expected: pod("p", { ownerReferences: [{ uid: "u1", kind: "ReplicaSet", name: "rs1", controller: true, blockOwnerDeletion: true }] }),
  },
  {
    scenario: "status.conditions merge by type",
    before: pod("p"),
    patch: { status: { conditions: [{ type: "Ready", status: "True" }] } },
    expected: edited(pod("p"), (p) => (p.status.conditions[0].status = "True")),
  },
  {
    scenario: "NodeStatus.addresses merge by type",
    before: node("n1"),
    patch: { status: { addresses: [{ type: "InternalIP", address: "10.0.0.9" }] } },
    expected: edited(node("n1"), (n) => (n.status.addresses[0].address = "10.0.0.9")),
  },
  {
    scenario: "Service ports merge by port",
    before: service("web"),
    patch: { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
    expected: edited(service("web"), (s) => (s.spec.ports[0].targetPort = 9090)),
  },
  {
    scenario: "container args are atomic",
    before: web,
    patch: { spec: { template: { spec: { containers: [{ name: "nginx", args: ["--new"] }] } } } },
    expected: edited(web, (d) => (tmpl(d).containers[0].args = ["--new"])),
  },
  {
    scenario: "$patch: replace on a keyed list",
    before: web,
    patch: { spec: { template: { spec: { containers: [{ $patch: "replace" }, { name: "only", image: "busybox" }] } } } },
    expected: edited(web, (d) => (tmpl(d).containers = [{ name: "only", image: "busybox" }])),
  },
  {
    scenario: "$patch: delete on a map leaves it empty, as upstream",
    before: edited(web, (d) => (tmpl(d).securityContext = { runAsUser: 1000 })),
    patch: { spec: { template: { spec: { securityContext: { $patch: "delete" } } } } },
    expected: edited(web, (d) => (tmpl(d).securityContext = {})),
  },
  {
    scenario: "CronJob: containers under jobTemplate.spec.template merge by name",
    before: cronJob("tick"),
    patch: { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "job", image: "busybox:1.36" }] } } } } } },
    expected: edited(cronJob("tick"), (c) => (c.spec.jobTemplate.spec.template.spec.containers[0].image = "busybox:1.36")),
  },
  {
    scenario: "unknown kind: lists are atomic, ObjectMeta still merges, directives still honoured",
    before: widget("w"),
    patch: {
      metadata: { finalizers: ["example.com/other"] },
      spec: { items: [{ name: "b", size: 3 }], source: { $retainKeys: ["http"], http: { url: "https://y" } } },
    },
    expected: edited(widget("w"), (w) => {
      w.metadata.finalizers = ["example.com/other", "example.com/cleanup"];
      w.spec = { items: [{ name: "b", size: 3 }], source: { http: { url: "https://y" } } };
    }),
  },
  {
    scenario: "empty patch changes nothing",
    before: web,
    patch: {},
    expected: web,
  },
];

describe("applyStrategicMergePatch", () => {
  it.each(cases)("$scenario", ({ before, patch, expected }) => {
    const result = smp(before, patch);
    expect(result).toEqual(expected);
    expect(leaks(result)).toEqual([]);
  });

  it("keeps directives and nulls out of values that are new to the object", () => {
    const result = smp(web, {
      spec: { template: { spec: {
        containers: [{ name: "sidecar", image: "busybox", "$setElementOrder/env": [{ name: "X" }], env: [{ name: "X", value: "1", valueFrom: null }], resources: { $patch: "replace", limits: { cpu: "1" } } }],
        affinity: { $retainKeys: ["nodeAffinity"], nodeAffinity: { preferred: null } },
        tolerations: [{ key: "k", operator: "Exists", effect: null }, { $patch: "delete", key: "gone" }],
      } } },
    });
    expect(leaks(result)).toEqual([]);
    // Without $setElementOrder a new element lands before the live ones, as upstream orders it.
    expect(tmpl(result).containers.map((c: any) => c.name)).toEqual(["sidecar", "nginx"]);
    expect(tmpl(result).containers[0]).toEqual({ name: "sidecar", image: "busybox", env: [{ name: "X", value: "1" }], resources: { limits: { cpu: "1" } } });
    expect(tmpl(result).affinity).toEqual({ nodeAffinity: {} });
    expect(tmpl(result).tolerations).toEqual([{ key: "k", operator: "Exists" }]);
  });

  it("returns a new, unfrozen object and leaves the (frozen) input alone", () => {
    const result = smp(web, { spec: { replicas: 5 } });
    expect(result.spec).not.toBe(web.spec);
    expect(Object.isFrozen(tmpl(result).containers[0])).toBe(false);
    expect((web.spec as any).replicas).toBe(2);
  });

  it.each([
    { scenario: "body is a list", patch: [{ op: "add" }], message: "json: cannot unmarshal array into Go value of type map[string]interface {}" },
    { scenario: "keyed element without its merge key", patch: { spec: { ports: [{ targetPort: 441 }] } }, message: "map: map[targetPort:441] does not contain declared merge key: port" },
    { scenario: "unknown $patch directive", patch: { spec: { $patch: "merge-please" } }, message: "unknown patch type: merge-please in map: map[$patch:merge-please]" },
    { scenario: "$retainKeys not listing a patched key", patch: { spec: { $retainKeys: ["type"], selector: { app: "x" } } }, message: "patch content doesn't match retainKeys list" },
    { scenario: "$setElementOrder that is not a list", patch: { spec: { "$setElementOrder/ports": { port: 80 } } }, message: "invalid patch format of setElementOrder list" },
  ])("400 BadRequest: $scenario", ({ patch, message }) => {
    const error = (() => {
      try {
        smp(service("web"), patch);
      } catch (e) {
        return e;
      }
    })() as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.toStatus()).toMatchObject({ code: 400, reason: "BadRequest", message });
  });
});
