import { describe, expect, it } from "vitest";
import { Path } from "../../../src/api/validation/field";
import { validateAnnotations, validateLabelSelector, validateLabels } from "../../../src/api/validation/meta";
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName } from "../../../src/api/validation/names";
import {
  DNS1035_LABEL, DNS1123_LABEL, DNS1123_SUBDOMAIN, changed, configMap, createErrors, forbidden, invalid, required, service, typeOf, updateErrors,
} from "./fixtures";

const QUALIFIED = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe("name checks (apimachinery util/validation)", () => {
  it.each([
    ["a valid subdomain", "web.example", isDNS1123Subdomain, []],
    ["an upper-case subdomain", "Web", isDNS1123Subdomain, [DNS1123_SUBDOMAIN]],
    ["a label with dots", "a.b", isDNS1123Label, ["must not contain dots"]],
    ["a label with an underscore", "a_b", isDNS1123Label, [DNS1123_LABEL]],
    ["a 64-character label", "a".repeat(64), isDNS1123Label, ["must be no more than 63 characters"]],
    ["a DNS-1035 label starting with a digit", "1web", isDNS1035Label, [DNS1035_LABEL]],
    ["a prefixed qualified name", "example.com/my-key", isQualifiedName, []],
    ["a qualified name with an empty prefix", "/key", isQualifiedName, ["prefix part must be non-empty"]],
    ["a qualified name with two slashes", "a/b/c", isQualifiedName, [`a qualified name ${QUALIFIED} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
    ["a label value ending in a dash", "x-", isValidLabelValue, [LABEL_VALUE]],
    ["a port name with only digits", "8080", isValidPortName, ["must contain at least one letter (a-z)"]],
    ["a 16-character port name", "abcdefghijklmnop", isValidPortName, ["must be no more than 15 characters"]],
  ])("%s", (_, value, check, expected) => {
    expect((check as (v: string) => string[])(value)).toEqual(expected);
  });
});

describe("labels, annotations and selectors (meta/v1 validation)", () => {
  const path = Path.root("metadata", "labels");
  it.each([
    ["bad key", { "-bad": "x" }, [invalid("metadata.labels", `"-bad": name part ${QUALIFIED}`)]],
    ["bad value", { app: "a b" }, [invalid("metadata.labels", `"a b": ${LABEL_VALUE}`)]],
    ["value too long", { app: "x".repeat(64) }, [invalid("metadata.labels", `"${"x".repeat(64)}": must be no more than 63 characters`)]],
  ])("labels: %s", (_, labels, expected) => {
    expect(validateLabels(labels, path)).toEqual(expected);
  });

  it("counts annotation bytes against 256 KiB", () => {
    expect(validateAnnotations({ big: "x".repeat(256 * 1024) }, Path.root("metadata", "annotations"))).toEqual([
      { reason: "FieldValueTooLong", message: "Too long: may not be more than 262144 bytes", field: "metadata.annotations" },
    ]);
  });

  it.each([
    ["In without values", { key: "a", operator: "In" }, [required("spec.selector.matchExpressions[0].values", "must be specified when `operator` is 'In' or 'NotIn'")]],
    ["Exists with values", { key: "a", operator: "Exists", values: ["x"] }, [forbidden("spec.selector.matchExpressions[0].values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")]],
    ["an unknown operator", { key: "a", operator: "Is", values: ["x"] }, [invalid("spec.selector.matchExpressions[0].operator", '"Is": not a valid selector operator')]],
  ])("selector requirement: %s", (_, expr, expected) => {
    expect(validateLabelSelector({ matchExpressions: [expr] }, Path.root("spec", "selector"))).toEqual(expected);
  });
});

describe("object metadata on create and update", () => {
  const cm = typeOf("ConfigMap");
  it.each([
    ["no name", changed(configMap("x"), (o) => delete o.metadata.name), [required("metadata.name", "name or generateName is required")]],
    ["an invalid name", configMap("Web"), [invalid("metadata.name", `"Web": ${DNS1123_SUBDOMAIN}`)]],
    ["an invalid generateName", changed(configMap("x"), (o) => { delete o.metadata.name; o.metadata.generateName = "Web-"; }), [
      invalid("metadata.generateName", `"Web-": ${DNS1123_SUBDOMAIN}`),
      required("metadata.name", "name or generateName is required"),
    ]],
    ["a generateName with a trailing dash and a name", changed(configMap("web-abcde"), (o) => { o.metadata.generateName = "web-"; }), []],
    ["an unqualified finalizer", changed(configMap("x"), (o) => { o.metadata.finalizers = ["cleanup"]; }), [
      invalid("metadata.finalizers[0]", '"cleanup": name is neither a standard finalizer name nor is it fully qualified'),
    ]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(cm, obj)).toEqual(expected);
  });

  it("rejects a namespace change on update", () => {
    expect(updateErrors(cm, configMap("x"), (o) => { o.metadata.namespace = "other"; })).toEqual([invalid("metadata.namespace", '"other": field is immutable')]);
  });

  it("forbids new finalizers while the object is being deleted", () => {
    const before = changed(configMap("x"), (o) => { o.metadata.deletionTimestamp = "2026-01-01T00:00:00Z"; });
    expect(updateErrors(cm, before, (o) => { o.metadata.finalizers = ["example.com/hold"]; })).toEqual([
      forbidden("metadata.finalizers", 'no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/hold"}'),
    ]);
  });

  it("validates Service names as DNS-1035 labels", () => {
    expect(createErrors(typeOf("Service"), service("1web"))).toEqual([invalid("metadata.name", `"1web": ${DNS1035_LABEL}`)]);
  });
});
