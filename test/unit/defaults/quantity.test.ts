import { describe, expect, it } from "vitest";
import { compareQuantities, formatQuantity, parseQuantity } from "../../../src/api/validation/quantity";

describe("resource.Quantity canonical form", () => {
  it.each([
    ["0.5", "500m"], ["1500m", "1500m"], ["2000m", "2"], ["1000", "1k"], ["1500", "1500"], ["1.5", "1500m"],
    ["1Gi", "1Gi"], ["1024Mi", "1Gi"], ["1.5Gi", "1536Mi"], ["0.5Ki", "512"], ["129M", "129M"], ["129e6", "129e6"],
    ["1e3", "1e3"], ["0.1n", "1n"], ["-1", "-1"], ["0", "0"], ["5Gi", "5Gi"], [2, "2"], [0.25, "250m"],
  ])("%j → %s", (input, expected) => {
    const q = parseQuantity(input);
    expect(q && formatQuantity(q)).toBe(expected);
  });

  it.each(["", "abc", "1.2.3", "5Gb", "1e"])("rejects %j", (input) => {
    expect(parseQuantity(input)).toBeNull();
  });

  it.each([
    ["500m", "0.5", 0], ["1Gi", "1000Mi", 1], ["128974848", "129e6", -1], ["1k", "1Ki", -1],
  ])("compares %s with %s", (a, b, expected) => {
    expect(compareQuantities(parseQuantity(a)!, parseQuantity(b)!)).toBe(expected);
  });
});
