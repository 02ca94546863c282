import { describe, expect, it } from "vitest";
import { configMap, createErrors, forbidden, invalid, required, secret, typeOf, updateErrors } from "./fixtures";

const CM = typeOf("ConfigMap");
const SECRET = typeOf("Secret");
const CONFIG_KEY = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

describe("ConfigMap (ValidateConfigMap / Update)", () => {
  it.each([
    ["valid keys", configMap("app", { "app.properties": "x", LOG_LEVEL: "debug" }), []],
    ["a key with a space", configMap("app", { "bad key": "x" }), [invalid("data[bad key]", `"bad key": ${CONFIG_KEY}`)]],
    ["a key starting with '..'", configMap("app", { "..data": "x" }), [invalid("data[..data]", "\"..data\": must not start with '..'")]],
    ["more than 1 MiB", configMap("app", { big: "x".repeat(1024 * 1024 + 1) }), [
      { reason: "FieldValueTooLong", message: "Too long: may not be more than 1048576 bytes" },
    ]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(CM, obj)).toEqual(expected);
  });

  it.each([
    ["data of a mutable map", configMap("app", { a: "1" }), (o: any) => { o.data.a = "2"; }, []],
    ["data of an immutable map", configMap("app", { a: "1" }, true), (o: any) => { o.data.a = "2"; }, [
      forbidden("data", "field is immutable when `immutable` is set"),
    ]],
    ["the immutable flag itself", configMap("app", { a: "1" }, true), (o: any) => { o.immutable = false; }, [
      forbidden("immutable", "field is immutable when `immutable` is set"),
    ]],
    ["labels of an immutable map", configMap("app", { a: "1" }, true), (o: any) => { o.metadata.labels = { a: "b" }; }, []],
  ])("update of %s", (_, before, edit, expected) => {
    expect(updateErrors(CM, before, edit)).toEqual(expected);
  });
});

describe("Secret (ValidateSecret / Update)", () => {
  it.each([
    ["an Opaque secret", secret("db", { data: { password: "c2VjcmV0" } }), []],
    ["a data key with a slash", secret("db", { data: { "a/b": "eA==" } }), [invalid("data[a/b]", `"a/b": ${CONFIG_KEY}`)]],
    ["a stringData key with a space (folded into data)", secret("db", { stringData: { "bad key": "x" } }), [invalid("data[bad key]", `"bad key": ${CONFIG_KEY}`)]],
    ["a TLS secret without its keys", secret("tls", { type: "kubernetes.io/tls" }), [required("data[tls.crt]"), required("data[tls.key]")]],
    ["a basic-auth secret without username or password", secret("auth", { type: "kubernetes.io/basic-auth" }), [
      required("data[username]"), required("data[password]"),
    ]],
    ["a service-account token without its annotation", secret("token", { type: "kubernetes.io/service-account-token" }), [
      required("metadata.annotations[kubernetes.io/service-account.name]"),
    ]],
    ["a docker config without .dockerconfigjson", secret("pull", { type: "kubernetes.io/dockerconfigjson" }), [required("data[.dockerconfigjson]")]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(SECRET, obj)).toEqual(expected);
  });

  it.each([
    ["a changed type", secret("db", { data: { a: "eA==" } }), (o: any) => { o.type = "example.com/custom"; }, [invalid("type", '"example.com/custom": field is immutable')]],
    ["data of an immutable secret", secret("db", { data: { a: "eA==" }, immutable: true }), (o: any) => { o.data.a = "eQ=="; }, [
      forbidden("data", "field is immutable when `immutable` is set"),
    ]],
  ])("update of %s", (_, before, edit, expected) => {
    expect(updateErrors(SECRET, before, edit)).toEqual(expected);
  });
});
