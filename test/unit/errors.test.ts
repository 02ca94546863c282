import { describe, expect, it } from "vitest";
import { invalid, notFound } from "../../src/api/errors";

describe("Status errors", () => {
  it("names the qualified resource as upstream does", () => {
    expect(notFound("deployments", "apps", "web").toStatus()).toMatchObject({
      code: 404,
      reason: "NotFound",
      message: 'deployments.apps "web" not found',
      details: { name: "web", group: "apps", kind: "deployments" },
    });
  });
  it("lists every field error of an Invalid", () => {
    const err = invalid("Deployment", "apps", "web", [
      { reason: "FieldValueRequired", field: "spec.template.spec.containers[0].image", message: "Required value" },
    ]);
    expect(err.message).toBe('Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value');
    expect(err.code).toBe(422);
  });
});
