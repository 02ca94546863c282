import { describe, expect, it } from "vitest";
import { imageTag } from "../../../src/api/defaults/podspec";
import { changed, created, deployment, pod, stored, typeOf } from "../validation/fixtures";
import { applyDefaults } from "../../../src/api/defaults";

const POD = typeOf("Pod");
const DEPLOY = typeOf("Deployment", "apps");

describe("imagePullPolicy from the image tag (SetDefaults_Container)", () => {
  it.each([
    ["nginx", "latest", "Always"],
    ["nginx:latest", "latest", "Always"],
    ["nginx:1.25", "1.25", "IfNotPresent"],
    ["registry.k8s.io/pause:3.9", "3.9", "IfNotPresent"],
    ["localhost:5000/app", "latest", "Always"],
    ["localhost:5000/app:v2", "v2", "IfNotPresent"],
    ["nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", "", "IfNotPresent"],
    ["nginx:1.25@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", "1.25", "IfNotPresent"],
    // An image reference that does not parse: upstream ignores the error and finds no tag.
    ["Nginx", "", "IfNotPresent"],
  ])("%s → tag %j, %s", (image, tag, policy) => {
    expect(imageTag(image)).toBe(tag);
    expect(created(POD, pod("p", { image })).spec.containers[0].imagePullPolicy).toBe(policy);
  });

  it("keeps an explicit policy", () => {
    const p = created(POD, pod("p", { containers: [{ name: "a", image: "nginx", imagePullPolicy: "Never" }] }));
    expect(p.spec.containers[0].imagePullPolicy).toBe("Never");
  });
});

describe("pod template defaults (SetDefaults_PodSpec and everything inside)", () => {
  it("fills a Deployment's template as kubectl get -o yaml shows it", () => {
    const spec = created(DEPLOY, deployment("web")).spec.template.spec;
    expect(spec).toEqual({
      containers: [{
        name: "app", image: "nginx:1.25", imagePullPolicy: "IfNotPresent", resources: {},
        terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File",
      }],
      dnsPolicy: "ClusterFirst", restartPolicy: "Always", schedulerName: "default-scheduler", securityContext: {}, terminationGracePeriodSeconds: 30,
    });
  });

  it("does not add what only Pods get (service links, admission)", () => {
    const spec = created(DEPLOY, deployment("web")).spec.template.spec;
    expect(spec).not.toHaveProperty("enableServiceLinks");
    expect(spec).not.toHaveProperty("serviceAccountName");
    expect(spec).not.toHaveProperty("tolerations");
    expect(spec).not.toHaveProperty("priority");
  });

  it("defaults probes, httpGet, ports, fieldRefs and volumes", () => {
    const p = created(POD, changed(pod("p"), (o) => {
      const c = o.spec.containers[0];
      c.ports = [{ containerPort: 80 }];
      c.livenessProbe = { httpGet: { port: 80 } };
      c.readinessProbe = { tcpSocket: { port: 80 }, periodSeconds: 5 };
      c.env = [{ name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }];
      c.lifecycle = { preStop: { httpGet: { port: 8080, path: "/drain" } } };
      o.spec.volumes = [
        { name: "scratch" },
        { name: "config", configMap: { name: "app" } },
        { name: "creds", secret: { secretName: "db" } },
        { name: "info", downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] } },
        { name: "host", hostPath: { path: "/var/log" } },
        { name: "token", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } },
      ];
    }));
    const c = p.spec.containers[0];
    expect(c.ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
    expect(c.livenessProbe).toEqual({ httpGet: { port: 80, path: "/", scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(c.readinessProbe).toEqual({ tcpSocket: { port: 80 }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 });
    expect(c.env[0].valueFrom.fieldRef).toEqual({ fieldPath: "metadata.name", apiVersion: "v1" });
    expect(c.lifecycle.preStop.httpGet).toEqual({ port: 8080, path: "/drain", scheme: "HTTP" });
    expect(p.spec.volumes).toEqual([
      { name: "scratch", emptyDir: {} },
      { name: "config", configMap: { name: "app", defaultMode: 420 } },
      { name: "creds", secret: { secretName: "db", defaultMode: 420 } },
      { name: "info", downwardAPI: { defaultMode: 420, items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels", apiVersion: "v1" } }] } },
      { name: "host", hostPath: { path: "/var/log", type: "" } },
      { name: "token", projected: { defaultMode: 420, sources: [{ serviceAccountToken: { path: "token", expirationSeconds: 3600 } }] } },
    ]);
  });

  it.each([
    ["0.5 cpu", { cpu: "0.5" }, { cpu: "500m" }],
    ["a number", { cpu: 2 }, { cpu: "2" }],
    ["1024Mi", { memory: "1024Mi" }, { memory: "1Gi" }],
    ["1.5Gi", { memory: "1.5Gi" }, { memory: "1536Mi" }],
    ["1000 bytes", { memory: "1000" }, { memory: "1k" }],
    ["sub-milli cpu rounds up", { cpu: "0.0001" }, { cpu: "1m" }],
  ])("resource quantities in canonical form: %s", (_, requests, expected) => {
    const p = created(POD, pod("p", { containers: [{ name: "a", image: "nginx", resources: { requests } }] }));
    expect(p.spec.containers[0].resources.requests).toEqual(expected);
  });

  it("mirrors serviceAccountName into the deprecated serviceAccount, both ways", () => {
    const fromNew = created(DEPLOY, changed(deployment("web"), (o) => { o.spec.template.spec.serviceAccountName = "builder"; }));
    expect(fromNew.spec.template.spec).toMatchObject({ serviceAccountName: "builder", serviceAccount: "builder" });
    const fromOld = created(DEPLOY, changed(deployment("web"), (o) => { o.spec.template.spec.serviceAccount = "legacy"; }));
    expect(fromOld.spec.template.spec).toMatchObject({ serviceAccountName: "legacy", serviceAccount: "legacy" });
  });
});

describe("Pod defaults (SetDefaults_Pod and the admission plugins)", () => {
  it("creates a pod as a cluster does", () => {
    const spec = created(POD, pod("p")).spec;
    expect(spec).toMatchObject({
      enableServiceLinks: true,
      serviceAccountName: "default",
      serviceAccount: "default",
      tolerations: [
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ],
    });
  });

  it.each([
    ["a toleration of everything", [{ operator: "Exists" }], [{ operator: "Exists" }]],
    ["its own not-ready toleration", [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 }], [
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 },
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    ]],
  ])("DefaultTolerationSeconds respects %s", (_, tolerations, expected) => {
    expect(created(POD, changed(pod("p"), (o) => { o.spec.tolerations = tolerations; })).spec.tolerations).toEqual(expected);
  });

  it("defaults requests to limits and adds resize policies for cpu and memory", () => {
    const c = created(POD, pod("p", { containers: [{ name: "a", image: "nginx", resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m" } } }] })).spec.containers[0];
    expect(c.resources).toEqual({ limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m", memory: "1Gi" } });
    expect(c.resizePolicy).toEqual([
      { resourceName: "cpu", restartPolicy: "NotRequired" },
      { resourceName: "memory", restartPolicy: "NotRequired" },
    ]);
  });

  it("copies container ports to host ports with hostNetwork", () => {
    const p = created(POD, changed(pod("p"), (o) => { o.spec.hostNetwork = true; o.spec.containers[0].ports = [{ containerPort: 8080 }]; }));
    expect(p.spec.containers[0].ports).toEqual([{ containerPort: 8080, hostPort: 8080, protocol: "TCP" }]);
  });

  it("leaves priority to the Priority admission plugin, which reads PriorityClasses", () => {
    const p = created(POD, changed(pod("p"), (o) => { o.spec.priorityClassName = "system-node-critical"; }));
    expect(p.spec).not.toHaveProperty("priority");
  });

  it("runs admission only on create", () => {
    const p = stored(POD, pod("p"));
    const next = changed(p, (o) => { o.spec.tolerations = []; delete o.spec.priority; });
    const copy = structuredClone(next);
    applyDefaults(POD, copy);
    expect(copy.spec.tolerations).toEqual([]);
    expect(copy.spec).not.toHaveProperty("priority");
  });
});
