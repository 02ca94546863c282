/**
 * The remote command protocol's server side (api/remotecommand.ts, api/exec.ts): the Status that ends
 * a stream, as client-go's errorDecoderV4 reads it, subprotocol negotiation, and the container checks
 * kube-apiserver makes before it upgrades.
 */
import { describe, expect, it } from "vitest";
import { streamContainer, streamOptions } from "../../src/api/exec";
import { exitStatus, internalErrorStatus, negotiate } from "../../src/api/remotecommand";
import type { KObject } from "../../src/api/types";

const pod = (containers: string[], initContainers: string[] = []) =>
  ({ metadata: { name: "web" }, spec: { containers: containers.map((name) => ({ name })), initContainers: initContainers.map((name) => ({ name })) } }) as unknown as KObject;

describe("the error channel's Status", () => {
  it("exit 0 is a bare Success", () => {
    expect(exitStatus(0)).toEqual({ metadata: {}, status: "Success" });
  });

  it("a non-zero exit is NonZeroExitCode with the code as an ExitCode cause (kubectl exits with it)", () => {
    expect(exitStatus(3)).toEqual({
      metadata: {},
      status: "Failure",
      message: "command terminated with non-zero exit code: command terminated with exit code 3",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "3" }] },
    });
  });

  it("anything else is apierrors.NewInternalError", () => {
    expect(internalErrorStatus('unable to upgrade connection: container not found ("nginx")')).toEqual({
      metadata: {},
      status: "Failure",
      message: 'Internal error occurred: unable to upgrade connection: container not found ("nginx")',
      reason: "InternalError",
      details: { causes: [{ message: 'unable to upgrade connection: container not found ("nginx")' }] },
      code: 500,
    });
  });
});

describe("negotiation and options", () => {
  it.each([
    ["v5.channel.k8s.io", "v5.channel.k8s.io"],
    ["v5.channel.k8s.io, v4.channel.k8s.io, v3.channel.k8s.io, v2.channel.k8s.io, channel.k8s.io", "v5.channel.k8s.io"],
    ["v4.channel.k8s.io,v3.channel.k8s.io", "v4.channel.k8s.io"],
    ["channel.k8s.io", undefined],
    [null, undefined],
  ])("offered %s → %s", (offered, chosen) => {
    expect(negotiate(offered)).toBe(chosen);
  });

  it("reads kubectl's (true) and the apiserver's (1) booleans", () => {
    expect(streamOptions(new URLSearchParams("stdin=true&stdout=1&tty=false"))).toEqual({ stdin: true, stdout: true, stderr: false, tty: false });
  });
});

describe("which container (validateContainer)", () => {
  it.each([
    ["the only container", pod(["nginx"]), null, "nginx"],
    ["a named init container", pod(["nginx"], ["setup"]), "setup", "setup"],
  ])("%s", (_what, p, requested, chosen) => {
    expect(streamContainer(p, requested)).toBe(chosen);
  });

  it.each([
    ["an unknown name", pod(["nginx"]), "x", "container x is not valid for pod web"],
    ["no name with two containers", pod(["nginx", "sidecar"], ["setup"]), null, "a container name must be specified for pod web, choose one of: [setup nginx sidecar]"],
  ])("refuses %s", (_what, p, requested, message) => {
    expect(() => streamContainer(p, requested)).toThrow(message);
  });
});
