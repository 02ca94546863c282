import { describe, expect, it } from "vitest";
import {
  DNS1123_LABEL, changed, createErrors, duplicate, forbidden, invalid, notFound, pod, required, typeOf, unsupported, updateErrors,
} from "./fixtures";

const POD = typeOf("Pod");
const c0 = "spec.containers[0]";

describe("Pod create (ValidatePodCreate)", () => {
  it.each([
    ["a valid pod", pod("web"), []],
    ["no containers", changed(pod("web"), (o) => { o.spec.containers = []; }), [required("spec.containers")]],
    ["a container without image", pod("web", { containers: [{ name: "app" }] }), [required(`${c0}.image`)]],
    ["a container without name", pod("web", { containers: [{ image: "nginx" }] }), [required(`${c0}.name`)]],
    ["an upper-case container name", pod("web", { containers: [{ name: "App", image: "nginx" }] }), [invalid(`${c0}.name`, `"App": ${DNS1123_LABEL}`)]],
    ["two containers with one name", pod("web", { containers: [{ name: "a", image: "x" }, { name: "a", image: "y" }] }), [duplicate("spec.containers[1].name", '"a"')]],
    ["an image with surrounding spaces", pod("web", { image: " nginx " }), [invalid(`${c0}.image`, '" nginx ": must not have leading or trailing whitespace')]],
    ["an unknown imagePullPolicy", pod("web", { containers: [{ name: "a", image: "x", imagePullPolicy: "Sometimes" }] }), [
      unsupported(`${c0}.imagePullPolicy`, '"Sometimes": supported values: "Always", "IfNotPresent", "Never"'),
    ]],
    ["an unknown restartPolicy", pod("web", { restartPolicy: "Sometimes" }), [
      unsupported("spec.restartPolicy", '"Sometimes": supported values: "Always", "OnFailure", "Never"'),
    ]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(POD, obj)).toEqual(expected);
  });

  it.each([
    ["port 0", [{ containerPort: 0 }], [required(`${c0}.ports[0].containerPort`)]],
    ["port 70000", [{ containerPort: 70000 }], [invalid(`${c0}.ports[0].containerPort`, "70000: must be between 1 and 65535, inclusive")]],
    ["a hostPort out of range", [{ containerPort: 80, hostPort: -1 }], [invalid(`${c0}.ports[0].hostPort`, "-1: must be between 1 and 65535, inclusive")]],
    ["an unknown protocol", [{ containerPort: 80, protocol: "HTTP" }], [unsupported(`${c0}.ports[0].protocol`, '"HTTP": supported values: "SCTP", "TCP", "UDP"')]],
    ["a duplicate port name", [{ name: "http", containerPort: 80 }, { name: "http", containerPort: 81 }], [duplicate(`${c0}.ports[1].name`, '"http"')]],
    ["a numeric port name", [{ name: "80", containerPort: 80 }], [invalid(`${c0}.ports[0].name`, '"80": must contain at least one letter (a-z)')]],
    ["a host port used twice", [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 8080 }], [duplicate(`${c0}.ports[1].hostPort`, '"TCP//8080"')]],
  ])("container ports: %s", (_, ports, expected) => {
    expect(createErrors(POD, pod("web", { containers: [{ name: "app", image: "nginx", ports }] }))).toEqual(expected);
  });

  it.each([
    ["requests above limits", { requests: { cpu: "2" }, limits: { cpu: "1" } }, [invalid(`${c0}.resources.requests`, '"2": must be less than or equal to cpu limit of 1')]],
    ["requests above limits in canonical form", { requests: { memory: "1Gi" }, limits: { memory: "512Mi" } }, [invalid(`${c0}.resources.requests`, '"1Gi": must be less than or equal to memory limit of 512Mi')]],
    ["a negative request", { requests: { cpu: "-1" } }, [invalid(`${c0}.resources.requests[cpu]`, '"-1": must be greater than or equal to 0')]],
    // A Pod's requests default to its limits, so a bad limit is reported twice, as upstream does.
    ["an unknown resource", { limits: { gpu: "1" } }, [
      invalid(`${c0}.resources.limits[gpu]`, '"gpu": must be a standard resource type or fully qualified'),
      invalid(`${c0}.resources.limits[gpu]`, '"gpu": must be a standard resource for containers'),
      invalid(`${c0}.resources.requests[gpu]`, '"gpu": must be a standard resource type or fully qualified'),
      invalid(`${c0}.resources.requests[gpu]`, '"gpu": must be a standard resource for containers'),
    ]],
    ["a fractional extended resource", { limits: { "example.com/gpu": "0.5" } }, [
      invalid(`${c0}.resources.limits[example.com/gpu]`, '"500m": must be an integer'),
      invalid(`${c0}.resources.requests[example.com/gpu]`, '"500m": must be an integer'),
    ]],
    ["an extended request below its limit", { limits: { "example.com/gpu": "2" }, requests: { "example.com/gpu": "1" } }, [
      invalid(`${c0}.resources.requests`, '"1": must be equal to example.com/gpu limit of 2'),
    ]],
    ["a quantity that does not parse", { requests: { cpu: "lots" } }, [
      invalid(`${c0}.resources.requests[cpu]`, "\"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
    ]],
  ])("resources: %s", (_, resources, expected) => {
    expect(createErrors(POD, pod("web", { containers: [{ name: "app", image: "nginx", resources }] }))).toEqual(expected);
  });

  it.each([
    ["an env var with '='", { env: [{ name: "A=B", value: "x" }] }, [
      invalid(`${c0}.env[0].name`, "\"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='"),
    ]],
    ["valueFrom and value together", { env: [{ name: "A", value: "x", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }] }, [
      invalid(`${c0}.env[0].valueFrom`, '"": may not be specified when `value` is not empty'),
    ]],
    ["an unsupported fieldRef", { env: [{ name: "A", valueFrom: { fieldRef: { fieldPath: "spec.containers" } } }] }, [
      unsupported(`${c0}.env[0].valueFrom.fieldRef.fieldPath`, '"spec.containers": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"'),
    ]],
    ["a mount of a missing volume", { volumeMounts: [{ name: "data", mountPath: "/data" }] }, [notFound(`${c0}.volumeMounts[0].name`, '"data"')]],
    ["a probe without a handler", { livenessProbe: {} }, [required(`${c0}.livenessProbe`, "must specify a handler type")]],
    ["a liveness probe with successThreshold 2", { livenessProbe: { httpGet: { port: 80 }, successThreshold: 2 } }, [
      invalid(`${c0}.livenessProbe.successThreshold`, "2: must be 1"),
    ]],
    ["a probe on a bad named port", { readinessProbe: { tcpSocket: { port: "HTTP" } } }, [
      invalid(`${c0}.readinessProbe.tcpSocket.port`, '"HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'),
      invalid(`${c0}.readinessProbe.tcpSocket.port`, '"HTTP": must contain at least one letter (a-z)'),
    ]],
  ])("containers: %s", (_, extra, expected) => {
    expect(createErrors(POD, pod("web", { containers: [{ name: "app", image: "nginx", ...extra }] }))).toEqual(expected);
  });

  it.each([
    ["a volume without a name", [{ emptyDir: {} }], [required("spec.volumes[0].name")]],
    ["two volume sources", [{ name: "v", emptyDir: {}, hostPath: { path: "/x" } }], [forbidden("spec.volumes[0].hostPath", "may not specify more than 1 volume type")]],
    ["a configMap volume without a name", [{ name: "v", configMap: {} }], [required("spec.volumes[0].configMap.name")]],
    ["a secret volume mode above 0777", [{ name: "v", secret: { secretName: "s", defaultMode: 1000 } }], [
      invalid("spec.volumes[0].secret.defaultMode", "1000: must be a number between 0 and 0777 (octal), both inclusive"),
    ]],
    ["a duplicate volume name", [{ name: "v", emptyDir: {} }, { name: "v", emptyDir: {} }], [duplicate("spec.volumes[1].name", '"v"')]],
  ])("volumes: %s", (_, volumes, expected) => {
    expect(createErrors(POD, changed(pod("web"), (o) => { o.spec.volumes = volumes; }))).toEqual(expected);
  });

  it.each([
    ["an empty key with operator Equal", [{ operator: "Equal", value: "x" }], [
      invalid("spec.tolerations[0].operator", '"Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"'),
    ]],
    ["tolerationSeconds without NoExecute", [{ key: "k", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 5 }], [
      invalid("spec.tolerations[0].effect", "\"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"),
    ]],
    ["an unknown effect", [{ key: "k", operator: "Exists", effect: "Never" }], [
      unsupported("spec.tolerations[0].effect", '"Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'),
    ]],
  ])("tolerations: %s", (_, tolerations, expected) => {
    expect(createErrors(POD, changed(pod("web"), (o) => { o.spec.tolerations = tolerations; }))).toEqual(expected);
  });

  it.each([
    ["activeDeadlineSeconds 0", (o: any) => { o.spec.activeDeadlineSeconds = 0; }, [invalid("spec.activeDeadlineSeconds", "0: must be between 1 and 2147483647, inclusive")]],
    ["a dnsPolicy None without dnsConfig", (o: any) => { o.spec.dnsPolicy = "None"; }, [required("spec.dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None")]],
    ["an invalid nodeName", (o: any) => { o.spec.nodeName = "Node_1"; }, [invalid("spec.nodeName", `"Node_1": ${DNS1123_LABEL.replace(/label must consist of lower case alphanumeric characters or '-'/, "subdomain must consist of lower case alphanumeric characters, '-' or '.'").replace(/\(e\.g\. 'my-name',  or '123-abc', regex used for validation is '\[a-z0-9\]\(\[-a-z0-9\]\*\[a-z0-9\]\)\?'\)/, "(e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")}`)]],
    ["a node affinity without terms", (o: any) => { o.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }; }, [
      required("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms", "must have at least one node selector term"),
    ]],
    ["a pod anti-affinity term without topologyKey", (o: any) => {
      o.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "web" } } }] } };
    }, [
      required("spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey", "can not be empty"),
      invalid("spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey", "\"\": name part must be non-empty"),
      invalid("spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey", "\"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
    ]],
    ["a topology spread constraint with maxSkew 0", (o: any) => {
      o.spec.topologySpreadConstraints = [{ maxSkew: 0, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule" }];
    }, [invalid("spec.topologySpreadConstraints[0].maxSkew", "0: must be greater than zero")]],
  ])("pod spec: %s", (_, edit, expected) => {
    expect(createErrors(POD, changed(pod("web"), edit))).toEqual(expected);
  });
});

const HEADER = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

describe("Pod update (ValidatePodUpdate)", () => {
  const before = pod("web");
  it.each([
    ["a new image", (o: any) => { o.spec.containers[0].image = "nginx:1.26"; }, []],
    ["an added toleration", (o: any) => { o.spec.tolerations.push({ key: "k", operator: "Exists" }); }, []],
    ["a changed tolerationSeconds", (o: any) => { o.spec.tolerations[0].tolerationSeconds = 60; }, []],
    ["a new activeDeadlineSeconds", (o: any) => { o.spec.activeDeadlineSeconds = 10; }, []],
    ["an added label", (o: any) => { o.metadata.labels = { tier: "web" }; }, []],
    ["an added container", (o: any) => { o.spec.containers.push({ name: "b", image: "busybox" }); }, [
      forbidden("spec.containers", "pod updates may not add or remove containers"),
    ]],
    ["a removed image", (o: any) => { o.spec.containers[0].image = ""; }, [required(`${c0}.image`)]],
  ])("%s", (_, edit, expected) => {
    expect(updateErrors(POD, before, edit)).toEqual(expected);
  });

  it("forbids other spec changes with upstream's message", () => {
    const causes = updateErrors(POD, before, (o) => { o.spec.restartPolicy = "Never"; });
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatchObject({ reason: "FieldValueForbidden", field: "spec" });
    expect(causes[0].message.split("\n")[0]).toBe(`Forbidden: ${HEADER}`);
    expect(causes[0].message).toContain('- \trestartPolicy: "Always",\n+ \trestartPolicy: "Never",');
  });

  it("rejects a longer activeDeadlineSeconds", () => {
    const withDeadline = changed(before, (o) => { o.spec.activeDeadlineSeconds = 10; });
    expect(updateErrors(POD, withDeadline, (o) => { o.spec.activeDeadlineSeconds = 20; })).toEqual([
      invalid("spec.activeDeadlineSeconds", "20: must be less than or equal to previous value"),
    ]);
  });

  it("rejects removing the tolerations admission added", () => {
    expect(updateErrors(POD, before, (o) => { o.spec.tolerations = []; })).toEqual([
      forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"),
    ]);
  });

  it("rejects binding by update: spec.nodeName is not updatable", () => {
    const causes = updateErrors(POD, before, (o) => { o.spec.nodeName = "node-1"; });
    expect(causes.map((c) => [c.field, c.message.split("\n")[0]])).toEqual([["spec", `Forbidden: ${HEADER}`]]);
  });
});
