import { describe, expect, it } from "vitest";
import { milliValue, resourceAmount, resourceList, value } from "../../src/sim/quantity";

describe("milliValue (Quantity.MilliValue, cpu in millicores)", () => {
  it.each<[string | number, number]>([
    ["100m", 100],
    ["0.5", 500],
    ["0.1", 100],
    ["1", 1000],
    ["2", 2000],
    ["1.5", 1500],
    ["250m", 250],
    ["2e3", 2_000_000],
    ["1k", 1_000_000],
    ["0.1m", 1], // rounds up to a whole millicore
    ["1500u", 2],
    ["1n", 1],
    ["0", 0],
    ["+3", 3000],
    [4, 4000],
    [0.25, 250],
  ])("%s → %d", (input, expected) => {
    expect(milliValue(input)).toBe(expected);
  });

  it("gives NaN for what is not a quantity", () => {
    for (const bad of ["", "abc", "1x", "1.2.3", "m", "--1"]) expect(milliValue(bad)).toBeNaN();
    expect(milliValue(undefined)).toBeNaN();
    expect(milliValue({})).toBeNaN();
  });
});

describe("value (Quantity.Value, memory in bytes)", () => {
  it.each<[string | number, number]>([
    ["128Mi", 134_217_728],
    ["1Gi", 1_073_741_824],
    ["16Gi", 17_179_869_184],
    ["1.5Gi", 1_610_612_736],
    ["1Ki", 1024],
    ["1G", 1_000_000_000],
    ["1M", 1_000_000],
    ["1k", 1000],
    ["2e3", 2000],
    ["1E3", 1000],
    ["1E", 1e18],
    ["110", 110],
    ["0.5", 1], // Value() rounds up
    ["129e6", 129_000_000],
    ["123456789", 123_456_789],
    ["128974848000m", 128_974_848],
    ["102398Mi", 107_372_085_248],
    [64, 64],
  ])("%s → %d", (input, expected) => {
    expect(value(input)).toBe(expected);
  });

  it("is memoised but stable across calls", () => {
    expect(value("300Mi")).toBe(value("300Mi"));
    expect(milliValue("300m")).toBe(300);
  });
});

describe("resourceAmount / resourceList", () => {
  it("counts cpu in millicores and the rest in units", () => {
    expect(resourceAmount("cpu", "1")).toBe(1000);
    expect(resourceAmount("memory", "1Ki")).toBe(1024);
    expect(resourceAmount("pods", "110")).toBe(110);
    expect(resourceAmount("nvidia.com/gpu", "2")).toBe(2);
  });

  it("converts a ResourceList and drops what does not parse", () => {
    expect(resourceList({ cpu: "4", memory: "16Gi", pods: "110", bogus: "lots" })).toEqual({ cpu: 4000, memory: 17_179_869_184, pods: 110 });
    expect(resourceList(undefined)).toEqual({});
  });
});
