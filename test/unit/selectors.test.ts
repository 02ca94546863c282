import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/api/errors";
import {
  formatLabelSelector, formatLabels, labelSelectorFromSpec, labelSelectorString, labelSelectorToString, matchesFields, matchesLabels,
  parseFieldSelector, parseLabelSelector, type LabelSelectorSpec,
} from "../../src/api/selectors";
import type { KObject } from "../../src/api/types";
import { deepFreeze } from "./tables/fixtures";

/** The 400 a call throws, as the client sees it. */
function badRequest(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    const { code, reason, message } = (e as ApiError).toStatus();
    return { code, reason: reason!, message: message! };
  }
  throw new Error("expected an ApiError");
}

const KEY_NAME_RULE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe("parseLabelSelector (labels.Parse)", () => {
  it.each<[string, string, string]>([
    ["nothing", "", ""],
    ["only whitespace", "   ", ""],
    ["equality", "app=web", "app=web"],
    ["double equals", "app==web", "app==web"],
    ["inequality", "app!=web", "app!=web"],
    ["an empty value", "app=", "app="],
    ["whitespace around tokens", " app = web , tier in ( a , b ) ", "app=web,tier in (a,b)"],
    ["the brief's example, sorted by key", "app=web,tier in (a,b),!canary,env notin (x)", "app=web,!canary,env notin (x),tier in (a,b)"],
    ["upstream's example with empty values", "x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"],
    ["duplicate values collapse", "tier in (b,a,b)", "tier in (a,b)"],
    ["keywords as key and value", "in in (in),notin=notin", "in in (in),notin=notin"],
    ["a prefixed key", "app.kubernetes.io/name=web", "app.kubernetes.io/name=web"],
    ["numeric comparisons", "replicas>2,age<10", "age<10,replicas>2"],
  ])("parses %s", (_name, input, expected) => {
    expect(labelSelectorToString(parseLabelSelector(input))).toBe(expected);
  });

  it("returns structured requirements", () => {
    expect(parseLabelSelector("tier in (b,a),!canary,app")).toEqual([
      { key: "app", operator: "exists", values: [] },
      { key: "canary", operator: "!", values: [] },
      { key: "tier", operator: "in", values: ["a", "b"] },
    ]);
  });

  it.each<[string, string, string]>([
    ["two words", "a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ["a double comma", "a,,b", "found ',', expected: identifier after ','"],
    ["a trailing comma", "a,", "found '', expected: identifier after ','"],
    ["a leading comma", ",a", "found ',', expected: !, identifier, or 'end of string'"],
    ["an open parenthesis", "(", "found '(', expected: !, identifier, or 'end of string'"],
    ["in without parentheses", "a in b", "unable to parse requirement: found 'b' expected: '('"],
    ["values without a comma", "a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ["an unclosed set", "a in (b", "unable to parse requirement: found '', expected: ',' or ')'"],
    ["a set opened by an operator", "a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ["a parenthesised exact value", "a=(b)", "unable to parse requirement: found '(', expected: identifier"],
    ["a value followed by a word", "a=b c", "found 'c', expected: ',' or 'end of string'"],
    ["a stray parenthesis", "a=b)", "found ')', expected: ',' or 'end of string'"],
    ["a negated equality", "!a=b", "found '=', expected: ',' or 'end of string'"],
    ["a lone negation", "!", "unable to parse requirement: found '', expected: identifier"],
    ["an invalid key", "a+b=c", `unable to parse requirement: <nil>: Invalid value: "a+b": name part ${KEY_NAME_RULE}`],
    ["an empty prefix", "/a", `unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty`],
    [
      "two slashes",
      "a/b/c",
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a valid label key ${KEY_NAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    ["a key over 63 characters", `${"k".repeat(64)}=v`, `unable to parse requirement: <nil>: Invalid value: "${"k".repeat(64)}": name part must be no more than 63 characters`],
    ["an invalid value", "a=-b", `unable to parse requirement: values[0][a]: Invalid value: "-b": ${VALUE_RULE}`],
    [
      "two invalid values",
      "a in (-b,-c)",
      `unable to parse requirement: [values[0][a]: Invalid value: "-b": ${VALUE_RULE}, values[1][a]: Invalid value: "-c": ${VALUE_RULE}]`,
    ],
    ["a non-numeric comparison", "x>a", `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
  ])("rejects %s as 400 BadRequest", (_name, input, message) => {
    expect(badRequest(() => parseLabelSelector(input))).toEqual({ code: 400, reason: "BadRequest", message });
  });
});

describe("matchesLabels", () => {
  it.each<[string, Record<string, string> | undefined, boolean]>([
    ["", undefined, true],
    ["app=web", { app: "web" }, true],
    ["app=web", { app: "api" }, false],
    ["app=web", {}, false],
    ["app==web", { app: "web" }, true],
    ["app!=web", {}, true],
    ["app!=web", { app: "web" }, false],
    ["app!=web", { app: "api" }, true],
    ["tier in (a,b)", { tier: "b" }, true],
    ["tier in (a,b)", { tier: "c" }, false],
    ["tier in (a,b)", undefined, false],
    ["env notin (x)", {}, true],
    ["env notin (x)", { env: "x" }, false],
    ["canary", { canary: "" }, true],
    ["canary", {}, false],
    ["!canary", {}, true],
    ["!canary", { canary: "true" }, false],
    ["app=", { app: "" }, true],
    ["x>1", { x: "2" }, true],
    ["x>1", { x: "1" }, false],
    ["x>1", { x: "two" }, false],
    ["x>1", {}, false],
    ["x<0", { x: "-5" }, true],
    ["app=web,!canary", { app: "web" }, true],
    ["app=web,!canary", { app: "web", canary: "1" }, false],
    ["constructor", {}, false],
  ])("%s matches %j: %s", (selector, labels, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels && deepFreeze({ ...labels }))).toBe(expected);
  });
});

describe("labelSelectorFromSpec (metav1.LabelSelectorAsSelector)", () => {
  it("matches nothing for a nil selector and everything for an empty one", () => {
    expect(matchesLabels(labelSelectorFromSpec(null), {})).toBe(false);
    expect(matchesLabels(labelSelectorFromSpec(undefined), { app: "web" })).toBe(false);
    expect(matchesLabels(labelSelectorFromSpec({}), {})).toBe(true);
    expect(matchesLabels(labelSelectorFromSpec({ matchLabels: {}, matchExpressions: [] }), { app: "web" })).toBe(true);
  });

  const spec: LabelSelectorSpec = deepFreeze({
    matchLabels: { app: "web" },
    matchExpressions: [
      { key: "tier", operator: "In", values: ["b", "a"] },
      { key: "env", operator: "NotIn", values: ["prod"] },
      { key: "team", operator: "Exists" },
      { key: "canary", operator: "DoesNotExist" },
    ],
  });

  it.each<[Record<string, string>, boolean]>([
    [{ app: "web", tier: "a", team: "x" }, true],
    [{ app: "web", tier: "a", team: "x", env: "prod" }, false],
    [{ app: "web", tier: "c", team: "x" }, false],
    [{ app: "web", tier: "a" }, false],
    [{ app: "web", tier: "a", team: "x", canary: "" }, false],
  ])("matches %j: %s", (labels, expected) => {
    expect(matchesLabels(labelSelectorFromSpec(spec), labels)).toBe(expected);
  });

  it.each<[string, LabelSelectorSpec, string]>([
    ["an unknown operator", { matchExpressions: [{ key: "a", operator: "Gt", values: ["1"] }] }, `"Gt" is not a valid label selector operator`],
    ["In without values", { matchExpressions: [{ key: "a", operator: "In" }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
    ["Exists with values", { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }, `values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist`],
    ["an invalid key", { matchLabels: { "bad key": "x" } }, `key: Invalid value: "bad key": name part ${KEY_NAME_RULE}`],
    ["an invalid value", { matchLabels: { app: "bad value" } }, `values[0][app]: Invalid value: "bad value": ${VALUE_RULE}`],
  ])("rejects %s", (_name, s, message) => {
    expect(badRequest(() => labelSelectorFromSpec(s)).message).toBe(message);
  });
});

describe("formatting selectors", () => {
  it.each<[string, LabelSelectorSpec | null | undefined, string, string]>([
    ["nil", null, "<none>", ""],
    ["empty", {}, "<none>", ""],
    ["match labels, sorted", { matchLabels: { tier: "fe", app: "web" } }, "app=web,tier=fe", "app=web,tier=fe"],
    [
      "expressions",
      { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }, { key: "canary", operator: "DoesNotExist" }, { key: "team", operator: "Exists" }] },
      "app=web,!canary,team,tier in (a,b)",
      "app=web,!canary,team,tier in (a,b)",
    ],
    ["an invalid selector", { matchExpressions: [{ key: "a", operator: "Bogus" }] }, "<error>", "(throws)"],
  ])("%s: FormatLabelSelector %j / Selector.String", (_name, s, formatted, plain) => {
    expect(formatLabelSelector(s)).toBe(formatted);
    if (plain !== "(throws)") expect(labelSelectorString(s)).toBe(plain);
    else expect(() => labelSelectorString(s)).toThrow(ApiError);
  });

  it.each<[Record<string, string> | undefined, string]>([
    [undefined, "<none>"],
    [{}, "<none>"],
    [{ b: "2", a: "1" }, "a=1,b=2"],
  ])("formatLabels(%j) = %s", (labels, expected) => {
    expect(formatLabels(labels)).toBe(expected);
  });
});

const event = (fields: Record<string, unknown>, metadata: Record<string, unknown> = {}): KObject =>
  deepFreeze({ apiVersion: "v1", kind: "Event", metadata: { name: "e", namespace: "default", ...metadata }, ...fields });

describe("parseFieldSelector", () => {
  it.each<[string, string, string, string, { field: string; operator: string; value: string }[]]>([
    ["an empty selector", "", "Pod", "", []],
    ["only commas", ",,", "Pod", "", []],
    ["pod phase and node, sorted", "status.phase=Running,spec.nodeName!=node-1", "Pod", "", [
      { field: "spec.nodeName", operator: "!=", value: "node-1" },
      { field: "status.phase", operator: "=", value: "Running" },
    ]],
    ["double equals", "metadata.name==web", "Pod", "", [{ field: "metadata.name", operator: "=", value: "web" }]],
    ["the legacy spec.host alias", "spec.host=node-1", "Pod", "", [{ field: "spec.nodeName", operator: "=", value: "node-1" }]],
    ["an empty value", "involvedObject.namespace=", "Event", "", [{ field: "involvedObject.namespace", operator: "=", value: "" }]],
    ["escaped characters", "metadata.name=a\\=b\\,c\\\\d", "ConfigMap", "", [{ field: "metadata.name", operator: "=", value: "a=b,c\\d" }]],
    ["events.k8s.io spellings", "regarding.name=web,reportingController=kubelet", "Event", "events.k8s.io", [
      { field: "involvedObject.name", operator: "=", value: "web" },
      { field: "reportingComponent", operator: "=", value: "kubelet" },
    ]],
    ["a Job's successful count", "status.successful=1", "Job", "batch", [{ field: "status.successful", operator: "=", value: "1" }]],
    ["metadata on a kind without its own labels", "metadata.namespace=default", "Deployment", "apps", [{ field: "metadata.namespace", operator: "=", value: "default" }]],
  ])("parses %s", (_name, input, kind, group, requirements) => {
    expect(parseFieldSelector(input, kind, group)).toEqual({ kind, group, requirements });
  });

  it.each<[string, string, string, string, string]>([
    ["an unknown pod field", "foo=bar", "Pod", "", "field label not supported: foo"],
    ["metadata.namespace on a Node", "metadata.namespace=x", "Node", "", "field label not supported: metadata.namespace"],
    ["spec.nodeName on a Namespace", "spec.nodeName=x", "Namespace", "", "field label not supported: spec.nodeName"],
    ["a core Event field on events.k8s.io", "involvedObject.name=web", "Event", "events.k8s.io", "field label not supported: involvedObject.name"],
    ["status.replicas on an apps ReplicaSet", "status.replicas=1", "ReplicaSet", "apps", `"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"`],
    ["an unknown ConfigMap field", "data.x=1", "ConfigMap", "", `"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"`],
    ["an unknown Job field", "status.succeeded=1", "Job", "batch", `field label "status.succeeded" not supported for batchv1.Job`],
    ["a prototype property", "constructor=x", "Pod", "", "field label not supported: constructor"],
    ["a term without operator", "status.phase", "Pod", "", "invalid selector: 'status.phase'; can't understand 'status.phase'"],
    ["an unescaped equals in the value", "metadata.name=a=b", "Pod", "", "invalid field selector: unescaped character in value: 61"],
    ["an unknown escape", "metadata.name=a\\x", "Pod", "", "invalid field selector: invalid escape sequence: \\x"],
    ["a trailing backslash", "metadata.name=a\\", "Pod", "", "invalid field selector: invalid escape sequence: \\"],
  ])("rejects %s", (_name, input, kind, group, message) => {
    expect(badRequest(() => parseFieldSelector(input, kind, group))).toEqual({ code: 400, reason: "BadRequest", message });
  });
});

describe("matchesFields", () => {
  const pod = deepFreeze({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-1", namespace: "default" },
    spec: { nodeName: "node-2", restartPolicy: "Always", serviceAccountName: "default", schedulerName: "default-scheduler", containers: [] },
    status: { phase: "Running", podIP: "10.0.0.5", podIPs: [{ ip: "10.0.0.5" }] },
  }) as KObject;

  it.each<[string, boolean]>([
    ["", true],
    ["status.phase=Running", true],
    ["status.phase!=Running", false],
    ["status.phase!=Succeeded,status.phase!=Failed", true],
    ["spec.nodeName=node-2", true],
    ["spec.host=node-2", true],
    ["spec.nodeName=node-1", false],
    ["spec.hostNetwork=false", true],
    ["spec.hostNetwork=true", false],
    ["status.podIP=10.0.0.5", true],
    ["status.podIPs=10.0.0.5", false],
    ["status.nominatedNodeName=", true],
    ["metadata.name=web-1,metadata.namespace=default", true],
    ["metadata.namespace=kube-system", false],
  ])("a running pod on node-2 matches %s: %s", (selector, expected) => {
    expect(matchesFields(parseFieldSelector(selector, "Pod"), pod)).toBe(expected);
  });

  const podEvent = event({ involvedObject: { kind: "Pod", name: "web-1", namespace: "default", uid: "u1" }, reason: "Pulled", type: "Normal", source: { component: "kubelet" } });
  const nodeEvent = event({ involvedObject: { kind: "Node", name: "node-1" }, reason: "Starting", type: "Normal", reportingComponent: "kube-proxy" });

  it.each<[string, KObject, string, boolean]>([
    ["pod event", podEvent, "involvedObject.kind=Pod,involvedObject.name=web-1,involvedObject.namespace=default", true],
    ["pod event", podEvent, "involvedObject.uid=u1", true],
    ["pod event", podEvent, "involvedObject.namespace=", false],
    ["node event", nodeEvent, "involvedObject.namespace=", true],
    ["node event", nodeEvent, "involvedObject.kind=Node,involvedObject.name=node-1", true],
    ["pod event", podEvent, "source=kubelet", true],
    ["node event", nodeEvent, "source=kube-proxy", true],
    ["node event", nodeEvent, "reportingComponent=kube-proxy", true],
    ["pod event", podEvent, "type=Warning", false],
    ["pod event", podEvent, "reason=Pulled", true],
  ])("a %s matches %s: %s", (_name, e, selector, expected) => {
    expect(matchesFields(parseFieldSelector(selector, "Event"), e)).toBe(expected);
  });

  it("reads events.k8s.io field names through their events.k8s.io labels", () => {
    const e = deepFreeze({ apiVersion: "events.k8s.io/v1", kind: "Event", metadata: { name: "e", namespace: "default" }, regarding: { kind: "Deployment", name: "web" }, reportingController: "deployment-controller", reason: "ScalingReplicaSet" }) as KObject;
    expect(matchesFields(parseFieldSelector("regarding.kind=Deployment,regarding.name=web", "Event", "events.k8s.io"), e)).toBe(true);
    expect(matchesFields(parseFieldSelector("reportingController=deployment-controller", "Event", "events.k8s.io"), e)).toBe(true);
    expect(matchesFields(parseFieldSelector("regarding.name=api", "Event", "events.k8s.io"), e)).toBe(false);
  });

  it.each<[string, string, string, KObject, boolean]>([
    ["a cordoned node", "Node", "spec.unschedulable=true", deepFreeze({ metadata: { name: "n" }, spec: { unschedulable: true } }), true],
    ["a schedulable node", "Node", "spec.unschedulable=false", deepFreeze({ metadata: { name: "n" }, spec: {} }), true],
    ["an active namespace", "Namespace", "status.phase=Active", deepFreeze({ metadata: { name: "ns" }, status: { phase: "Active" } }), true],
    ["a TLS secret", "Secret", "type=kubernetes.io/tls", deepFreeze({ metadata: { name: "s", namespace: "d" }, type: "kubernetes.io/tls" }), true],
    ["a headless service", "Service", "spec.clusterIP=None", deepFreeze({ metadata: { name: "s", namespace: "d" }, spec: { clusterIP: "None", type: "ClusterIP" } }), true],
    ["an RC without status", "ReplicationController", "status.replicas=0", deepFreeze({ metadata: { name: "rc", namespace: "d" } }), true],
    ["a cluster-scoped volume", "PersistentVolume", "metadata.namespace=", deepFreeze({ metadata: { name: "pv" } }), true],
    ["a config map by name", "ConfigMap", "metadata.name=settings", deepFreeze({ metadata: { name: "settings", namespace: "d" } }), true],
  ])("%s matches %s", (_name, kind, selector, o, expected) => {
    expect(matchesFields(parseFieldSelector(selector, kind), o)).toBe(expected);
  });

  it("matches a Job by its succeeded count", () => {
    const job = deepFreeze({ metadata: { name: "j", namespace: "d" }, status: { succeeded: 1 } }) as KObject;
    expect(matchesFields(parseFieldSelector("status.successful=1", "Job", "batch"), job)).toBe(true);
    expect(matchesFields(parseFieldSelector("status.successful=0", "Job", "batch"), job)).toBe(false);
  });
});
