import { describe, expect, it } from "vitest";
import {
  changed, createErrors, daemonSet, deployment, forbidden, invalid, replicaSet, replicationController, required, statefulSet, typeOf,
  unsupported, updateErrors,
} from "./fixtures";

const DEPLOY = typeOf("Deployment", "apps");
const RS = typeOf("ReplicaSet", "apps");
const DS = typeOf("DaemonSet", "apps");
const STS = typeOf("StatefulSet", "apps");
const RC = typeOf("ReplicationController");

const intstr = (v: number | string) =>
  typeof v === "number" ? `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}` : `intstr.IntOrString{Type:1, IntVal:0, StrVal:"${v}"}`;
const selector = (labels: string, exprs = "[]v1.LabelSelectorRequirement(nil)") => `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;

describe("Deployment (ValidateDeployment, apps/v1 strategy)", () => {
  it.each([
    ["a valid deployment", deployment("web"), []],
    // The message every kubectl user has met: no selector in apps/v1.
    ["no selector", deployment("web", { selector: null }), [
      required("spec.selector"),
      invalid("spec.template.metadata.labels", 'map[string]string{"app":"web"}: `selector` does not match template `labels`'),
    ]],
    ["a selector that misses the template", deployment("web", { selector: { app: "other" } }), [
      invalid("spec.template.metadata.labels", 'map[string]string{"app":"web"}: `selector` does not match template `labels`'),
    ]],
    ["an empty selector", changed(deployment("web"), (o) => { o.spec.selector = {}; }), [
      invalid("spec.selector", `${selector("map[string]string(nil)")}: empty selector is invalid for deployment`),
    ]],
    ["negative replicas", deployment("web", { replicas: -1 }), [invalid("spec.replicas", "-1: must be greater than or equal to 0")]],
    ["maxSurge and maxUnavailable both 0", deployment("web", { maxSurge: 0, maxUnavailable: 0 }), [
      invalid("spec.strategy.rollingUpdate.maxUnavailable", `${intstr(0)}: may not be 0 when \`maxSurge\` is 0`),
    ]],
    ["both 0%", deployment("web", { maxSurge: "0%", maxUnavailable: "0%" }), [
      invalid("spec.strategy.rollingUpdate.maxUnavailable", `${intstr("0%")}: may not be 0 when \`maxSurge\` is 0`),
    ]],
    ["maxUnavailable above 100%", deployment("web", { maxUnavailable: "110%" }), [
      invalid("spec.strategy.rollingUpdate.maxUnavailable", `${intstr("110%")}: must not be greater than 100%`),
    ]],
    ["a maxSurge that is no percentage", deployment("web", { maxSurge: "half" }), [
      invalid("spec.strategy.rollingUpdate.maxSurge", `${intstr("half")}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`),
    ]],
    ["an unknown strategy type", changed(deployment("web"), (o) => { o.spec.strategy = { type: "BlueGreen" }; }), [
      unsupported("spec.strategy", 'apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"'),
    ]],
    ["a template with restartPolicy Never", changed(deployment("web"), (o) => { o.spec.template.spec.restartPolicy = "Never"; }), [
      unsupported("spec.template.spec.restartPolicy", '"Never": supported values: "Always"'),
    ]],
    ["a template with activeDeadlineSeconds", changed(deployment("web"), (o) => { o.spec.template.spec.activeDeadlineSeconds = 5; }), [
      forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in ReplicaSet is not Supported"),
    ]],
    ["a container without image", changed(deployment("web"), (o) => { delete o.spec.template.spec.containers[0].image; }), [
      required("spec.template.spec.containers[0].image"),
    ]],
    ["progressDeadlineSeconds not above minReadySeconds", changed(deployment("web"), (o) => { o.spec.minReadySeconds = 600; }), [
      invalid("spec.progressDeadlineSeconds", "600: must be greater than minReadySeconds"),
    ]],
    ["a selector value that is no label value", deployment("web", { selector: { app: "web server" } }), [
      invalid("spec.selector.matchLabels", `"web server": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`),
      invalid("spec.selector", `${selector('map[string]string{"app":"web server"}')}: invalid label selector`),
    ]],
    ["a bad template label", changed(deployment("web"), (o) => { o.spec.template.metadata.labels.tier = "front end"; }), [
      invalid("spec.template.labels", `"front end": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`),
    ]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(DEPLOY, obj)).toEqual(expected);
  });

  it.each([
    ["a new image and replica count", (o: any) => { o.spec.replicas = 5; o.spec.template.spec.containers[0].image = "nginx:1.26"; }, []],
    ["a changed selector", (o: any) => { o.spec.selector.matchLabels = { app: "new" }; o.spec.template.metadata.labels = { app: "new" }; }, [
      invalid("spec.selector", `${selector('map[string]string{"app":"new"}')}: field is immutable`),
    ]],
    // Switching to Recreate without dropping the defaulted rollingUpdate, as upstream reports.
    ["type Recreate with the old rollingUpdate", (o: any) => { o.spec.strategy.type = "Recreate"; }, [
      forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"),
    ]],
    ["type Recreate without rollingUpdate", (o: any) => { o.spec.strategy = { type: "Recreate" }; }, []],
  ])("update: %s", (_, edit, expected) => {
    expect(updateErrors(DEPLOY, deployment("web"), edit)).toEqual(expected);
  });
});

describe("ReplicaSet and ReplicationController", () => {
  it.each([
    ["a valid replica set", replicaSet("web"), []],
    ["an empty matchLabels (upstream reuses the deployment wording)", changed(replicaSet("web"), (o) => { o.spec.selector = { matchLabels: {} }; }), [
      invalid("spec.selector", `${selector("map[string]string{}")}: empty selector is invalid for deployment`),
    ]],
  ])("ReplicaSet: %s", (_, obj, expected) => {
    expect(createErrors(RS, obj)).toEqual(expected);
  });

  it("keeps a ReplicaSet's selector immutable", () => {
    expect(updateErrors(RS, replicaSet("web"), (o) => { o.spec.selector.matchExpressions = [{ key: "tier", operator: "Exists" }]; })).toEqual([
      invalid("spec.template.metadata.labels", 'map[string]string{"app":"web"}: `selector` does not match template `labels`'),
      invalid("spec.selector", `${selector('map[string]string{"app":"web"}', '[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"Exists", Values:[]string(nil)}}')}: field is immutable`),
    ]);
  });

  it.each([
    ["selector defaulted from the template", replicationController("web"), []],
    ["no template labels, so no selector", changed(replicationController("web"), (o) => { delete o.spec.template.metadata; }), [required("spec.selector")]],
    ["a selector missing from the template", changed(replicationController("web"), (o) => { o.spec.selector = { app: "x" }; }), [
      invalid("spec.template.metadata.labels", 'map[string]string{"app":"web"}: `selector` does not match template `labels`'),
    ]],
  ])("ReplicationController: %s", (_, obj, expected) => {
    expect(createErrors(RC, obj)).toEqual(expected);
  });
});

describe("DaemonSet (ValidateDaemonSet)", () => {
  it.each([
    ["defaults (maxUnavailable 1, maxSurge 0)", daemonSet("log"), []],
    ["maxSurge with maxUnavailable", daemonSet("log", { maxSurge: 1, maxUnavailable: 1 }), [
      invalid("spec.updateStrategy.rollingUpdate.maxSurge", `${intstr(1)}: may not be set when maxUnavailable is non-zero`),
    ]],
    ["both 0", daemonSet("log", { maxSurge: 0, maxUnavailable: 0 }), [
      required("spec.updateStrategy.rollingUpdate.maxUnavailable", "cannot be 0 when maxSurge is 0"),
    ]],
    ["an unknown strategy", changed(daemonSet("log"), (o) => { o.spec.updateStrategy = { type: "Parallel" }; }), [
      unsupported("spec.updateStrategy", 'apps.DaemonSetUpdateStrategy{Type:"Parallel", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: "RollingUpdate", "OnDelete"'),
    ]],
    ["no selector (nothing matches)", changed(daemonSet("log"), (o) => { delete o.spec.selector; }), [
      invalid("spec.template.metadata.labels", 'map[string]string{"app":"log"}: `selector` does not match template `labels`'),
    ]],
    ["restartPolicy OnFailure", changed(daemonSet("log"), (o) => { o.spec.template.spec.restartPolicy = "OnFailure"; }), [
      unsupported("spec.template.spec.restartPolicy", '"OnFailure": supported values: "Always"'),
    ]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(DS, obj)).toEqual(expected);
  });

  it("keeps the selector immutable", () => {
    expect(updateErrors(DS, daemonSet("log"), (o) => { o.spec.selector.matchLabels.tier = "x"; o.spec.template.metadata.labels.tier = "x"; })).toEqual([
      invalid("spec.selector", `${selector('map[string]string{"app":"log", "tier":"x"}')}: field is immutable`),
    ]);
  });
});

const STS_FORBIDDEN = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

describe("StatefulSet (ValidateStatefulSet)", () => {
  it.each([
    ["a valid stateful set", statefulSet("db"), []],
    ["a name with dots (DNS label since 1.27)", statefulSet("db.v1", { serviceName: "db" }), [invalid("metadata.name", '"db.v1": must not contain dots')]],
    ["an unknown podManagementPolicy", changed(statefulSet("db"), (o) => { o.spec.podManagementPolicy = "Fast"; }), [
      invalid("spec.podManagementPolicy", "\"Fast\": must be 'OrderedReady' or 'Parallel'"),
    ]],
    ["OnDelete with rollingUpdate", changed(statefulSet("db"), (o) => { o.spec.updateStrategy = { type: "OnDelete", rollingUpdate: { partition: 1 } }; }), [
      invalid("spec.updateStrategy.rollingUpdate", "apps.RollingUpdateStatefulSetStrategy{Partition:1, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'"),
    ]],
    ["a negative partition", changed(statefulSet("db"), (o) => { o.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { partition: -1 } }; }), [
      invalid("spec.updateStrategy.rollingUpdate.partition", "-1: must be greater than or equal to 0"),
    ]],
    ["an unknown PVC retention policy", changed(statefulSet("db"), (o) => { o.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Keep" }; }), [
      unsupported("spec.persistentVolumeClaimRetentionPolicy.whenDeleted", '"Keep": supported values: "Retain", "Delete"'),
    ]],
    // Upstream does not validate a StatefulSet's pod spec (the pods fail to be created instead).
    ["a container without image", changed(statefulSet("db"), (o) => { delete o.spec.template.spec.containers[0].image; }), []],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(STS, obj)).toEqual(expected);
  });

  it.each([
    ["replicas, template and updateStrategy", (o: any) => {
      o.spec.replicas = 3;
      o.spec.template.spec.containers[0].image = "postgres:17";
      o.spec.updateStrategy = { type: "OnDelete" };
    }, []],
    ["serviceName", (o: any) => { o.spec.serviceName = "other"; }, [forbidden("spec", STS_FORBIDDEN)]],
    ["volumeClaimTemplates", (o: any) => { o.spec.volumeClaimTemplates = [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"] } }]; }, [forbidden("spec", STS_FORBIDDEN)]],
  ])("update of %s", (_, edit, expected) => {
    expect(updateErrors(STS, statefulSet("db"), edit)).toEqual(expected);
  });
});
