import { describe, expect, it } from "vitest";
import { changed, createErrors, duplicate, forbidden, invalid, required, service, typeOf, unsupported, updateErrors } from "./fixtures";

const SVC = typeOf("Service");
const EP = typeOf("Endpoints");
const SLICE = typeOf("EndpointSlice", "discovery.k8s.io");

describe("Service create (ValidateService)", () => {
  it.each([
    ["a ClusterIP service", service("web"), []],
    ["a headless service", service("web", { clusterIP: "None" }), []],
    ["a NodePort service", service("web", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }), []],
    ["a LoadBalancer service", service("web", { type: "LoadBalancer" }), []],
    ["no ports", service("web", { ports: [] }), [required("spec.ports")]],
    // targetPort defaults to the port, so a bad port is reported twice, as upstream does.
    ["port 0", service("web", { ports: [{ port: 0 }] }), [
      invalid("spec.ports[0].port", "0: must be between 1 and 65535, inclusive"),
      invalid("spec.ports[0].targetPort", "0: must be between 1 and 65535, inclusive"),
    ]],
    ["two unnamed ports", service("web", { ports: [{ port: 80 }, { port: 443 }] }), [required("spec.ports[0].name"), required("spec.ports[1].name")]],
    ["a duplicate port name", service("web", { ports: [{ name: "http", port: 80 }, { name: "http", port: 81 }] }), [duplicate("spec.ports[1].name", '"http"')]],
    ["a duplicate port", service("web", { ports: [{ name: "a", port: 80 }, { name: "b", port: 80 }] }), [
      duplicate("spec.ports[1]", 'core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'),
    ]],
    ["an upper-case port name", service("web", { ports: [{ name: "HTTP", port: 80 }] }), [
      invalid("spec.ports[0].name", `"HTTP": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`),
    ]],
    ["a bad named targetPort", service("web", { ports: [{ port: 80, targetPort: "Http" }] }), [
      invalid("spec.ports[0].targetPort", '"Http": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'),
    ]],
    ["an unknown type", service("web", { type: "Internal" }), [
      unsupported("spec.type", '"Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'),
    ]],
    ["a nodePort on a ClusterIP service", service("web", { ports: [{ port: 80, nodePort: 30080 }] }), [
      forbidden("spec.ports[0].nodePort", "may not be used when `type` is 'ClusterIP'"),
    ]],
    ["an ExternalName service without externalName", service("web", { type: "ExternalName", selector: null }), [required("spec.externalName")]],
    ["a clusterIP that is no IP", service("web", { clusterIP: "10.0.0.300" }), [
      invalid("spec.clusterIPs[0]", '"10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'),
    ]],
    ["an unknown sessionAffinity", changed(service("web"), (o) => { o.spec.sessionAffinity = "Cookie"; }), [
      unsupported("spec.sessionAffinity", '"Cookie": supported values: "ClientIP", "None"'),
    ]],
    ["externalTrafficPolicy on a ClusterIP service", changed(service("web"), (o) => { o.spec.externalTrafficPolicy = "Local"; }), [
      invalid("spec.externalTrafficPolicy", '"Local": may only be set for externally-accessible services'),
    ]],
    ["loadBalancerSourceRanges on a ClusterIP service", changed(service("web"), (o) => { o.spec.loadBalancerSourceRanges = ["10.0.0.0/8"]; }), [
      forbidden("spec.LoadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'"),
    ]],
    ["a selector with a bad value", service("web", { selector: { app: "web server" } }), [
      invalid("spec.selector", `"web server": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`),
    ]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(SVC, obj)).toEqual(expected);
  });
});

describe("Service update (ValidateServiceUpdate)", () => {
  const before = service("web", { clusterIP: "10.96.0.10" });
  it.each([
    ["new ports", (o: any) => { o.spec.ports = [{ name: "http", port: 8080 }, { name: "metrics", port: 9090 }]; }, []],
    ["type NodePort", (o: any) => { o.spec.type = "NodePort"; }, []],
    ["a changed clusterIP", (o: any) => { o.spec.clusterIP = "10.96.0.11"; o.spec.clusterIPs = ["10.96.0.11"]; }, [
      invalid("spec.clusterIPs[0]", '[]string{"10.96.0.11"}: may not change once set'),
    ]],
    ["a removed clusterIP", (o: any) => { delete o.spec.clusterIP; delete o.spec.clusterIPs; }, [
      invalid("spec.clusterIPs[0]", "[]string(nil): primary clusterIP can not be unset"),
    ]],
  ])("%s", (_, edit, expected) => {
    expect(updateErrors(SVC, before, edit)).toEqual(expected);
  });
});

describe("Endpoints and EndpointSlices", () => {
  it("checks addresses and requires port names when there are several", () => {
    const ep = { apiVersion: "v1", kind: "Endpoints", metadata: { name: "web", namespace: "default" }, subsets: [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ port: 80 }, { port: 81 }] }] };
    expect(createErrors(EP, ep)).toEqual([
      invalid("subsets[0].addresses[0].ip", '"127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'),
      required("subsets[0].ports[0].name"),
      required("subsets[0].ports[1].name"),
    ]);
  });

  it.each([
    ["a valid slice", { addressType: "IPv4", endpoints: [{ addresses: ["10.244.1.5"] }], ports: [{ name: "http", port: 80 }] }, []],
    ["an IPv6 address in an IPv4 slice", { addressType: "IPv4", endpoints: [{ addresses: ["fe80::1"] }] }, [
      invalid("endpoints[0].addresses[0]", '"fe80::1": must be a valid IPv4 address'),
    ]],
    ["an endpoint without addresses", { addressType: "IPv4", endpoints: [{}] }, [required("endpoints[0].addresses", "must contain at least 1 address")]],
    ["an unknown address type", { addressType: "IPX" }, [unsupported("addressType", '"IPX": supported values: "FQDN", "IPv4", "IPv6"')]],
  ])("EndpointSlice: %s", (_, body, expected) => {
    expect(createErrors(SLICE, { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "web-abc", namespace: "default" }, ...body })).toEqual(expected);
  });

  it("keeps an EndpointSlice's addressType", () => {
    const slice = { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "web-abc", namespace: "default" }, addressType: "IPv4" };
    expect(updateErrors(SLICE, slice, (o) => { o.addressType = "IPv6"; })).toEqual([invalid("addressType", '"IPv6": field is immutable')]);
  });
});
