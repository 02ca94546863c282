import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/api/errors";
import { messageType } from "../../../src/api/protobuf/decode";
import { decodeProtobufBody } from "../../../src/api/protobuf/index";
import { PACKAGES } from "../../../src/api/protobuf/schema";
import { body, encodedFixtures, fixed32, fixed64, kubectlFixtures, ld, str, vi } from "./pb";

/** Status code and reason of the ApiError `fn` throws. */
function failure(fn: () => unknown): { code: number; reason: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    const { code, reason, message } = e as ApiError;
    return { code, reason, message };
  }
  throw new Error("expected an ApiError");
}

const decode = (bytes: Uint8Array) => decodeProtobufBody(bytes).object;
/** ObjectMeta{name}: field 1. */
const meta = (name: string) => ld(1, str(1, name));

describe("golden bodies from kubectl 1.32/1.33 decode to what kubectl 1.31 sends as JSON", () => {
  it.each(kubectlFixtures().map((f) => [f.name, f] as const))("%s", (_, fixture) => {
    const decoded = decodeProtobufBody(fixture.pb);
    expect(decoded.object).toStrictEqual(fixture.json);
    expect(decoded.kind).toBe(fixture.json.kind);
    expect(decoded.apiVersion).toBe(fixture.json.apiVersion);
    // Same key order as Go's encoder, so stored objects read back the way upstream prints them.
    expect(JSON.stringify(decoded.object)).toBe(JSON.stringify(fixture.json));
  });
});

describe("objects encoded by protobufjs from upstream's generated.proto", () => {
  it.each(encodedFixtures().map((f) => [f.name, f] as const))("%s", (_, fixture) => {
    expect(decode(fixture.pb)).toStrictEqual(fixture.json);
  });
});

describe("the envelope", () => {
  it.each([
    ["v1", "core client (drain --disable-eviction)"],
    ["meta.k8s.io/v1", "generic clients"],
    ["apps/v1", "the apps client"],
  ])("accepts DeleteOptions as %s (%s)", (apiVersion) => {
    expect(decode(body(apiVersion, "DeleteOptions", vi(1, 0)))).toStrictEqual({ kind: "DeleteOptions", apiVersion, gracePeriodSeconds: 0 });
  });

  it("decodes an empty raw object to the kind's zero value, as Go would print it", () => {
    expect(decode(body("v1", "ConfigMap", []))).toStrictEqual({ kind: "ConfigMap", apiVersion: "v1", metadata: { creationTimestamp: null } });
  });

  it("ignores contentType and unknown envelope fields", () => {
    const bytes = new Uint8Array([...body("v1", "Namespace", meta("a")), ...str(4, "application/vnd.kubernetes.protobuf"), ...vi(9, 1)]);
    expect(decode(bytes)).toMatchObject({ kind: "Namespace", metadata: { name: "a" } });
  });

  it.each([
    ["no magic", new Uint8Array([0x0a, 0x00]), 400],
    ["empty body", new Uint8Array(0), 400],
    ["JSON sent as protobuf", new TextEncoder().encode('{"kind":"ConfigMap"}'), 400],
    ["magic only: no kind", new Uint8Array([0x6b, 0x38, 0x73, 0x00]), 400],
    ["no apiVersion", body("", "ConfigMap", []), 400],
    ["gzip content encoding", new Uint8Array([...body("v1", "ConfigMap", []), ...str(3, "gzip")]), 400],
    ["unknown kind", body("v1", "Widget", []), 415],
    ["unknown group", body("widgets.example.com/v1", "Widget", []), 415],
    ["a nested type is not a body", body("v1", "PodSpec", []), 415],
    ["a kind of another version", body("autoscaling/v1", "Eviction", []), 415],
    ["Object.prototype names are not kinds", body("v1", "constructor", []), 415],
  ])("rejects %s with %i", (_, bytes, code) => {
    expect(failure(() => decodeProtobufBody(bytes)).code).toBe(code);
  });

  it("tells a client with an unknown kind to use JSON (415 UnsupportedMediaType)", () => {
    expect(failure(() => decodeProtobufBody(body("v1", "Widget", [])))).toMatchObject({
      reason: "UnsupportedMediaType",
      message: expect.stringContaining('no protobuf schema for kind "Widget" in version "v1"'),
    });
  });
});

describe("Go's JSON rules for zero values", () => {
  // DeploymentSpec: replicas = 1 (*int32), minReadySeconds = 5 (int32, omitempty), paused = 7 (bool).
  it("drops zero non-pointer scalars that gogo always writes, keeps pointer zeros", () => {
    const spec = decode(body("apps/v1", "Deployment", ld(2, [...vi(1, 0), ...vi(5, 0), ...vi(7, 0)]))).spec;
    expect(spec).toStrictEqual({ replicas: 0, selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} });
  });

  it("prints zero fields that lack omitempty (PodDisruptionBudgetStatus counts)", () => {
    expect(decode(body("policy/v1", "PodDisruptionBudget", [])).status).toStrictEqual({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  });

  it("decodes negative int32 and int64 (ten-byte varints)", () => {
    // Container: name = 1; ContainerPort.containerPort = 3. DeleteOptions.gracePeriodSeconds = 1.
    const port = decode(body("v1", "Pod", ld(2, ld(2, [...str(1, "c"), ...ld(6, vi(3, -1))])))) as any;
    expect(port.spec.containers[0].ports).toStrictEqual([{ containerPort: -1 }]);
    expect(decode(body("v1", "DeleteOptions", vi(1, -5))).gracePeriodSeconds).toBe(-5);
    expect(decode(body("v1", "DeleteOptions", vi(1, 2n ** 40n))).gracePeriodSeconds).toBe(2 ** 40);
  });

  it("accepts packed and unpacked repeated numbers (PodSecurityContext.supplementalGroups = 4)", () => {
    const podSecurity = (fields: number[]) => (decode(body("v1", "Pod", ld(2, ld(14, fields)))) as any).spec.securityContext;
    expect(podSecurity([...vi(4, 1), ...vi(4, 2)]).supplementalGroups).toStrictEqual([1, 2]);
    expect(podSecurity(ld(4, [1, 2, 0x80, 0x01])).supplementalGroups).toStrictEqual([1, 2, 128]);
  });

  it("merges a repeated embedded message, as protobuf does", () => {
    // Two ObjectMeta occurrences: name from the first, namespace from the second.
    expect(decode(body("v1", "ConfigMap", [...ld(1, str(1, "a")), ...ld(1, str(3, "ns"))])).metadata).toStrictEqual({ name: "a", namespace: "ns", creationTimestamp: null });
  });

  it("skips unknown fields of every wire type", () => {
    const raw = [...meta("a"), ...vi(99, 7), ...fixed64(98, [1, 2, 3, 4, 5, 6, 7, 8]), ...fixed32(97, [1, 2, 3, 4]), ...str(96, "x")];
    expect(decode(body("v1", "ConfigMap", raw)).metadata).toStrictEqual({ name: "a", creationTimestamp: null });
  });

  it("keeps map keys that are Object.prototype names as plain keys", () => {
    const entry = (k: string, v: string) => ld(2, [...str(1, k), ...str(2, v)]);
    const data = decode(body("v1", "ConfigMap", [...entry("__proto__", "x"), ...entry("constructor", "y")])).data as Record<string, string>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toStrictEqual(["__proto__", "constructor"]);
  });

  it("base64-encodes bytes, including empty and binary values (Secret.data = 2)", () => {
    const entry = (k: string, v: number[]) => ld(2, [...str(1, k), ...ld(2, v)]);
    expect(decode(body("v1", "Secret", [...entry("bin", [0, 1, 0xff]), ...entry("empty", [])])).data).toStrictEqual({ bin: "AAH/", empty: "" });
  });
});

describe("apimachinery types", () => {
  // ObjectMeta.creationTimestamp = 8, deletionTimestamp = 9; Time{seconds = 1, nanos = 2}.
  const metaTime = (field: number, time: number[]) => decode(body("v1", "ConfigMap", ld(1, ld(field, time)))).metadata as Record<string, unknown>;

  it.each([
    ["an empty Time is null", [], null],
    ["the Unix epoch is a time, not null", vi(1, 0), "1970-01-01T00:00:00Z"],
    ["Time drops nanoseconds, as upstream's Unmarshal does", [...vi(1, 1714557600), ...vi(2, 999)], "2024-05-01T10:00:00Z"],
    ["Go's zero time is null", vi(1, -62135596800), null],
    ["year 9999 is the last one RFC 3339 can print", vi(1, 253402300799), "9999-12-31T23:59:59Z"],
  ])("%s", (_, time, expected) => {
    expect(metaTime(8, time).creationTimestamp).toBe(expected);
  });

  it("prints a present pointer Time even when zero (null), omits an absent one", () => {
    expect(metaTime(9, [])).toHaveProperty("deletionTimestamp", null);
    expect(metaTime(8, [])).not.toHaveProperty("deletionTimestamp");
  });

  it("rejects times RFC 3339 cannot print (year 10000), like Time.MarshalJSON", () => {
    expect(failure(() => metaTime(8, vi(1, 253402300800))).code).toBe(400);
  });

  it("prints MicroTime with microseconds (core Event.eventTime = 10)", () => {
    const event = decode(body("v1", "Event", ld(10, [...vi(1, 1714557600), ...vi(2, 123456789)])));
    expect(event.eventTime).toBe("2024-05-01T10:00:00.123456Z");
  });

  // ResourceRequirements.limits = 1 inside Container.resources = 8.
  const limits = (quantity: number[]) => {
    const pod = decode(body("v1", "Pod", ld(2, ld(2, ld(8, ld(1, [...str(1, "cpu"), ...ld(2, quantity)])))))) as any;
    return pod.spec.containers[0].resources.limits.cpu;
  };

  it.each([
    ["1.5", "1500m"],
    ["1024Mi", "1Gi"],
    ["100m", "100m"],
  ])("prints Quantity %s canonically, as %s", (text, expected) => {
    expect(limits(str(1, text))).toBe(expected);
  });

  it("prints a Quantity with no string as 0 and rejects one that does not parse", () => {
    expect(limits([])).toBe("0");
    expect(failure(() => limits(str(1, "lots"))).message).toContain("quantities must match");
  });

  // PodDisruptionBudgetSpec.minAvailable = 1; IntOrString{type = 1, intVal = 2, strVal = 3}.
  const minAvailable = (value: number[]) => (decode(body("policy/v1", "PodDisruptionBudget", ld(2, ld(1, value)))).spec as any).minAvailable;

  it("prints IntOrString as a number or a string by its type", () => {
    expect(minAvailable([...vi(1, 0), ...vi(2, 3)])).toBe(3);
    expect(minAvailable([...vi(1, 1), ...str(3, "50%")])).toBe("50%");
    expect(minAvailable([])).toBe(0);
    expect(failure(() => minAvailable(vi(1, 7))).message).toContain("impossible IntOrString.Type");
  });

  it("parses RawExtension bytes as JSON (ControllerRevision.data = 2) and rejects non-JSON", () => {
    const revision = (raw: string) => decode(body("apps/v1", "ControllerRevision", ld(2, str(1, raw))));
    expect(revision('{"spec":{"x":1}}').data).toStrictEqual({ spec: { x: 1 } });
    expect(revision("").data).toBeNull();
    expect(failure(() => revision("{not json")).code).toBe(400);
  });
});

describe("malformed bodies are 400 BadRequest naming the problem", () => {
  const cases: [string, Uint8Array, string][] = [
    ["a string where a varint belongs (DeploymentSpec.replicas)", body("apps/v1", "Deployment", ld(2, str(1, "x"))), "wrong wire type 2 for field DeploymentSpec.replicas"],
    ["a varint where a message belongs", body("apps/v1", "Deployment", vi(2, 1)), "wrong wire type 0 for field Deployment.spec"],
    ["field number 0", body("v1", "ConfigMap", [0x02, 0x00]), "field number 0"],
    ["a start-group wire type on an unknown field", body("v1", "ConfigMap", [0x4b]), "groups"],
    ["wire type 7", body("v1", "ConfigMap", [0x0f]), "invalid wire type 7"],
    ["a length past the end", body("v1", "ConfigMap", [0x0a, 0x05, 0x0a]), "runs past the end"],
    ["a truncated varint", body("v1", "ConfigMap", [0x38, 0x80]), "unexpected end of data in varint"],
    ["an eleven-byte varint", body("v1", "ConfigMap", [0x38, ...Array(10).fill(0xff), 0x01]), "varint longer than 10 bytes"],
    ["a 4 GiB length", body("v1", "ConfigMap", [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), "length out of range"],
  ];
  it.each(cases)("%s", (_, bytes, message) => {
    const error = failure(() => decodeProtobufBody(bytes));
    expect(error).toMatchObject({ code: 400, reason: "BadRequest" });
    expect(error.message).toContain(message);
  });
});

describe("the schema tables", () => {
  it("parse, and every message they refer to is in them", () => {
    let count = 0;
    for (const [pkg, names] of Object.entries(PACKAGES)) {
      for (const name of Object.keys(names)) {
        const message = messageType(`${pkg}.${name}`);
        expect(new Set(message.fields.map((f) => f.number)).size, `${pkg}.${name}: duplicate field numbers`).toBe(message.fields.length);
        count++;
      }
    }
    expect(count).toBeGreaterThan(250);
  });
});
