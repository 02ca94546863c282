import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/api/errors";
import { applyJsonPatch, applyMergePatch, patchTypeOf } from "../../../src/api/patch";
import { container, deepFreeze, deployment, edited } from "./fixtures";

const tmpl = (d: any) => d.spec.template.spec;

/** A table row whose expected result is the input changed by `edit`. */
type Row<Body extends string> = { scenario: string; edit: (d: any) => void } & Record<Body, unknown>;

/** The thrown ApiError's Status, or a failure if nothing was thrown. */
function statusOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return (e as ApiError).toStatus();
  }
  throw new Error("expected an ApiError");
}

const web = deepFreeze(edited(deployment("web", { containers: [container("nginx", { image: "nginx:1.27" })] }), (d) => {
  d.metadata.annotations = { "deployment.kubernetes.io/revision": "2" };
}));

describe("patchTypeOf", () => {
  it.each([
    ["application/json-patch+json", "json"],
    ["application/merge-patch+json; charset=utf-8", "merge"],
    ["application/strategic-merge-patch+json", "strategic"],
    ["Application/Apply-Patch+YAML", "apply"],
    ["application/json", undefined],
    ["application/apply-patch+cbor", undefined],
    ["constructor", undefined],
    ["", undefined],
  ])("%s → %s", (contentType, type) => {
    expect(patchTypeOf(contentType)).toBe(type);
  });
});

describe("applyJsonPatch", () => {
  it("kubectl rollout undo: template and annotations replaced, creationTimestamp: null normalised away", () => {
    const revision1 = {
      metadata: { creationTimestamp: null, labels: { app: "web" } },
      spec: {
        containers: [{ name: "nginx", image: "nginx:1.25", ports: [{ containerPort: 80, protocol: "TCP" }], resources: {}, terminationMessagePath: "/dev/termination-log", imagePullPolicy: "IfNotPresent" }],
        restartPolicy: "Always", terminationGracePeriodSeconds: 30, dnsPolicy: "ClusterFirst", securityContext: {}, schedulerName: "default-scheduler",
      },
    };
    const ops = deepFreeze([
      { op: "replace", path: "/spec/template", value: revision1 },
      { op: "replace", path: "/metadata/annotations", value: { "deployment.kubernetes.io/revision": "1", "kubectl.kubernetes.io/last-applied-configuration": "{}" } },
    ]);
    const result = applyJsonPatch(web, ops);
    expect(result).toEqual(edited(web, (d) => {
      d.spec.template = { metadata: { labels: { app: "web" } }, spec: revision1.spec };
      d.metadata.annotations = { "deployment.kubernetes.io/revision": "1", "kubectl.kubernetes.io/last-applied-configuration": "{}" };
    }));
    // The result shares nothing with the (frozen) operations.
    expect(Object.isFrozen(result.spec)).toBe(false);
    expect(Object.isFrozen(tmpl(result).containers[0])).toBe(false);
  });

  it.each<Row<"ops">>([
    { scenario: "add a label", ops: [{ op: "add", path: "/metadata/labels/tier", value: "fe" }], edit: (d) => void (d.metadata.labels.tier = "fe") },
    { scenario: "append an arg with /-", ops: [{ op: "add", path: "/spec/template/spec/containers/0/args", value: ["--a"] }, { op: "add", path: "/spec/template/spec/containers/0/args/-", value: "--b" }], edit: (d) => void (tmpl(d).containers[0].args = ["--a", "--b"]) },
    { scenario: "remove a label", ops: [{ op: "remove", path: "/metadata/labels/app" }], edit: (d) => void (d.metadata.labels = {}) },
    { scenario: "replace replicas after a passing test", ops: [{ op: "test", path: "/spec/replicas", value: 2 }, { op: "replace", path: "/spec/replicas", value: 3 }], edit: (d) => void (d.spec.replicas = 3) },
    { scenario: "move an annotation to a label", ops: [{ op: "move", from: "/metadata/annotations/deployment.kubernetes.io~1revision", path: "/metadata/labels/revision" }], edit: (d) => { d.metadata.annotations = {}; d.metadata.labels.revision = "2"; } },
    { scenario: "copy the pod labels to the pod annotations", ops: [{ op: "copy", from: "/spec/template/metadata/labels", path: "/spec/template/metadata/annotations" }], edit: (d) => void (d.spec.template.metadata.annotations = { app: "web" }) },
    { scenario: "an empty patch", ops: [], edit: () => {} },
  ])("$scenario", ({ ops, edit }) => {
    expect(applyJsonPatch(web, deepFreeze(ops))).toEqual(edited(web, edit));
  });

  // Upstream's 422 names neither the op nor the path; kubectl prints "The request is invalid: <message>".
  it.each([
    { scenario: "replace of a missing field", ops: [{ op: "replace", path: "/spec/paused", value: true }] },
    { scenario: "remove of a missing label", ops: [{ op: "remove", path: "/metadata/labels/nope" }] },
    { scenario: "add below a missing parent", ops: [{ op: "add", path: "/spec/nope/deeper", value: 1 }] },
    { scenario: "a failing test", ops: [{ op: "test", path: "/spec/replicas", value: 7 }, { op: "replace", path: "/spec/replicas", value: 3 }] },
    { scenario: "an index past the end", ops: [{ op: "add", path: "/spec/template/spec/containers/5", value: {} }] },
    { scenario: "move from a missing path", ops: [{ op: "move", from: "/spec/nope", path: "/spec/x" }] },
    { scenario: "an unknown op", ops: [{ op: "merge", path: "/spec", value: {} }] },
    { scenario: "an op without a path", ops: [{ op: "add", value: 1 }] },
    { scenario: "replacing the whole document with a scalar", ops: [{ op: "replace", path: "", value: 5 }] },
  ])("422 Invalid without details: $scenario", ({ ops }) => {
    const status = statusOf(() => applyJsonPatch(web, deepFreeze(ops)));
    expect(status).toEqual({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 422, reason: "Invalid",
      message: "the server rejected our request due to an error in our request",
    });
  });

  it.each([
    { scenario: "a JSON object", body: { op: "add", path: "/x", value: 1 }, message: "json: cannot unmarshal object into Go value of type jsonpatch.Patch" },
    { scenario: "a string", body: "add", message: "json: cannot unmarshal string into Go value of type jsonpatch.Patch" },
    { scenario: "a list with a non-object op", body: [1], message: "json: cannot unmarshal number into Go value of type jsonpatch.Operation" },
  ])("400 BadRequest when the body is $scenario", ({ body, message }) => {
    expect(statusOf(() => applyJsonPatch(web, body))).toMatchObject({ code: 400, reason: "BadRequest", message });
  });
});

describe("applyMergePatch", () => {
  it.each<Row<"patch">>([
    { scenario: "kubectl label", patch: { metadata: { labels: { env: "prod" } } }, edit: (d) => void (d.metadata.labels.env = "prod") },
    { scenario: "kubectl label env- (null deletes)", patch: { metadata: { labels: { app: null } } }, edit: (d) => void (d.metadata.labels = {}) },
    { scenario: "kubectl scale", patch: { spec: { replicas: 5 } }, edit: (d) => void (d.spec.replicas = 5) },
    { scenario: "nulls inside a new object are dropped", patch: { spec: { paused: null, minReadySeconds: 5, revisionHistoryLimit: null, template: { metadata: { annotations: { a: "1", b: null } } } } }, edit: (d) => { d.spec.minReadySeconds = 5; d.spec.template.metadata.annotations = { a: "1" }; } },
    { scenario: "lists are replaced whole (no merge keys)", patch: { spec: { template: { spec: { containers: [{ name: "other", image: "busybox" }] } } } }, edit: (d) => void (tmpl(d).containers = [{ name: "other", image: "busybox" }]) },
    { scenario: "a map replaced by a scalar", patch: { spec: { strategy: "Recreate" } }, edit: (d) => void (d.spec.strategy = "Recreate") },
  ])("$scenario", ({ patch, edit }) => {
    const result = applyMergePatch(web, deepFreeze(patch));
    expect(result).toEqual(edited(web, edit));
    expect(Object.isFrozen(result.metadata)).toBe(false);
  });

  it.each([["a list", [{ spec: {} }]], ["null", null], ["a number", 3]])("400 BadRequest when the body is %s", (_, body) => {
    expect(statusOf(() => applyMergePatch(web, body))).toMatchObject({ code: 400, reason: "BadRequest", message: "Invalid JSON Patch" });
  });
});
