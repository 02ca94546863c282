/**
 * What an HTTP request sent from inside a pod gets (curl and wget in `kubectl exec`): the name goes
 * through cluster DNS with the pod's search path, a ClusterIP (or a node's IP and a NodePort) is
 * load-balanced to one ready endpoint as kube-proxy does, a pod IP goes straight to the pod, and
 * localhost is the pod itself. There, the container listening on the port answers as its image would:
 *
 *   nginx (and nginx-slim)   files under /usr/share/nginx/html (index.html for "/"), else nginx's 404
 *   httpd                    files under /usr/local/apache2/htdocs ("It works!")
 *   kubernetes-bootcamp      "Hello Kubernetes bootcamp! | Running on: <pod> | v=1"
 *   hpa-example              "OK!"
 *   hello-app                "Hello, world!" with its version and hostname
 *   agnhost netexec          /hostname, /echo?msg=, and NOW: <time> for "/"; serve-hostname: the pod name
 *   redis, postgres, mysql…  not HTTP: an empty reply
 *   anything else            200 with an empty body
 * Nothing listening (or a Service without ready endpoints, which kube-proxy rejects) is "connection
 * refused"; a name cluster DNS does not know does not resolve (there is no Internet in the sandbox).
 */
import type { Pod, Service, ServicePort } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { KObject } from "../../api/types";
import type { Snapshot } from "../../controllers/types";
import { resolveDns } from "../dns";
import type { SimulationSettings } from "../settings";
import type { PodContext } from "./context";
import type { HttpAnswer } from "./execTools";
import { fileView, podHostname } from "./filesystem";
import { parseImage } from "./images";
import { HTTPD_ROOT, isBootcamp, isHpaExample, NGINX_ROOT } from "./userland";

export interface Reach {
  snapshot: Snapshot;
  settings: SimulationSettings;
  now: number;
  rng: () => number;
  /** The kubelet's view of a pod (index.ts podContextAt), injected to keep this module below it. */
  podContext(pod: KObject): PodContext | undefined;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** Ports of well-known servers that do not speak HTTP. */
const NOT_HTTP = new Set([6379, 5432, 3306, 33060, 27017, 11211, 5672, 9000]);

interface Url {
  host: string;
  port: number;
  path: string;
}

function parseUrl(url: string): Url | undefined {
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?([/?#].*)?$/i.exec(url.trim());
  if (!m) return undefined;
  const scheme = (m[1] ?? "http").toLowerCase();
  return { host: m[2].replace(/^\[|\]$/g, ""), port: m[3] ? Number(m[3]) : scheme === "https" ? 443 : 80, path: m[4] && !m[4].startsWith("#") ? (m[4].startsWith("?") ? `/${m[4]}` : m[4]) : "/" };
}

const podIPOf = (pod: KObject) => (pod.status as { podIP?: string } | undefined)?.podIP;

/** GET `url` from inside `source`. */
export function fetchFrom(source: KObject, url: string, reach: Reach): HttpAnswer {
  const target = parseUrl(url);
  if (!target) return { ok: false, failure: "dns", host: url, port: 80 };
  const { host, port } = target;
  const self = podHostname(source as unknown as Pod);
  if (host === "localhost" || host === "127.0.0.1" || host === "::1" || host === podIPOf(source) || host === self.hostname || host === self.fqdn) {
    return fromPod(source, host === "localhost" || host.includes(":") ? "127.0.0.1" : (podIPOf(source) ?? host), target, reach);
  }
  let ip = host;
  if (!IPV4.test(host)) {
    const answer = resolveDns(host, reach.snapshot, "cluster.local", source.metadata.namespace);
    if (!answer || answer.type !== "A" || answer.records.length === 0) return { ok: false, failure: "dns", host, port };
    ip = answer.records[Math.floor(reach.rng() * answer.records.length)];
  }
  return fromIP(ip, host, target, reach);
}

function fromIP(ip: string, host: string, target: Url, reach: Reach): HttpAnswer {
  const refused: HttpAnswer = { ok: false, failure: "refused", host, ip, port: target.port };
  const services = reach.snapshot.list("services") as unknown as Service[];
  const byClusterIP = services.find((s) => s.spec?.clusterIP === ip);
  if (byClusterIP) {
    const port = byClusterIP.spec?.ports?.find((p) => p.port === target.port);
    return port ? fromService(byClusterIP, port, ip, host, target, reach) : refused;
  }
  const node = reach.snapshot.list("nodes").find((n) => ((n.status as { addresses?: { address: string }[] } | undefined)?.addresses ?? []).some((a) => a.address === ip));
  if (node) {
    for (const svc of services) {
      const port = svc.spec?.ports?.find((p) => p.nodePort === target.port);
      if (port) return fromService(svc, port, ip, host, target, reach);
    }
    return refused;
  }
  const pod = reach.snapshot.list("pods").find((p) => podIPOf(p) === ip && (p.status as { phase?: string } | undefined)?.phase === "Running");
  return pod ? fromPod(pod, ip, target, reach) : refused;
}

/** kube-proxy: one ready endpoint of the Service, at the port its slices give for this service port. */
function fromService(svc: Service, port: ServicePort, ip: string, host: string, target: Url, reach: Reach): HttpAnswer {
  const namespace = svc.metadata?.namespace ?? "default";
  const slices = reach.snapshot.list("endpointslices.discovery.k8s.io", namespace)
    .filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === svc.metadata?.name) as unknown as EndpointSlice[];
  const endpoints: { ip: string; port: number }[] = [];
  for (const slice of slices) {
    const slicePort = (slice.ports ?? []).find((p) => (p.name ?? "") === (port.name ?? "")) ?? slice.ports?.[0];
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      for (const address of ep.addresses) endpoints.push({ ip: address, port: slicePort?.port ?? Number(port.targetPort ?? port.port) });
    }
  }
  if (endpoints.length === 0) return { ok: false, failure: "refused", host, ip, port: target.port };
  const chosen = endpoints[Math.floor(reach.rng() * endpoints.length)];
  const pod = reach.snapshot.list("pods", namespace).find((p) => podIPOf(p) === chosen.ip);
  if (!pod) return { ok: false, failure: "refused", host, ip, port: target.port };
  const answer = fromPod(pod, chosen.ip, { ...target, port: chosen.port }, reach);
  return answer.ok ? { ...answer, ip } : { ...answer, host, ip, port: target.port };
}

function fromPod(pod: KObject, ip: string, target: Url, reach: Reach): HttpAnswer {
  const refused: HttpAnswer = { ok: false, failure: "refused", host: target.host, ip, port: target.port };
  const ctx = reach.podContext(pod);
  if (!ctx) return refused;
  const listener = ctx.specs.find((spec) => {
    if (ctx.rec(spec.name)?.phase !== "running") return false;
    const listens = ctx.behaviour(spec.name).listens;
    return listens === "declared" ? (spec.container.ports ?? []).some((p) => p.containerPort === target.port) : listens.includes(target.port);
  });
  if (!listener) return refused;
  if (NOT_HTTP.has(target.port)) return { ok: false, failure: "empty", host: target.host, ip, port: target.port };
  return { ip, ...serve(ctx, listener.name, target.path, reach.now) };
}

const httpDate = (ms: number) => new Date(ms).toUTCString();

function page(status: number, reason: string, body: string, headers: [string, string][]): Omit<Extract<HttpAnswer, { ok: true }>, "ip"> {
  return { ok: true, status, reason, headers: [...headers, ["Content-Length", String(new TextEncoder().encode(body).length)]], body };
}

/** What container `name` of the pod answers on `path` (see the file comment). */
function serve(ctx: PodContext, name: string, path: string, now: number): Omit<Extract<HttpAnswer, { ok: true }>, "ip"> {
  const image = parseImage(ctx.spec(name).container.image ?? "");
  const shortName = image.shortName;
  const hostname = podHostname(ctx.pod).hostname;
  const [pathname, query = ""] = path.split("?");
  const text = (): [string, string][] => [["Content-Type", "text/plain; charset=utf-8"], ["Date", httpDate(now)]];
  const staticRoot = shortName === "nginx" || /nginx(-slim)?$/.test(shortName) ? NGINX_ROOT : shortName === "httpd" ? HTTPD_ROOT : undefined;
  if (staticRoot) {
    const nginx = staticRoot === NGINX_ROOT;
    const server: [string, string] = ["Server", nginx ? `nginx/${/^\d+\.\d+\.\d+/.exec(image.tag ?? "")?.[0] ?? "1.29.1"}` : "Apache/2.4.65 (Unix)"];
    const files = fileView(ctx, name, now).files;
    const file = files.get(`${staticRoot}${pathname.endsWith("/") ? `${pathname}index.html` : pathname}`);
    if (file !== undefined) return page(200, "OK", file, [server, ["Date", httpDate(now)], ["Content-Type", "text/html"], ["Connection", "keep-alive"], ["Accept-Ranges", "bytes"]]);
    const notFound = nginx
      ? `<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>${server[1]}</center>\r\n</body>\r\n</html>\r\n`
      : `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n`;
    return page(404, "Not Found", notFound, [server, ["Date", httpDate(now)], ["Content-Type", "text/html"]]);
  }
  if (isBootcamp(shortName)) {
    const version = /^v(\d+)/.exec(image.tag ?? "")?.[1] ?? "1";
    return page(200, "OK", `Hello Kubernetes bootcamp! | Running on: ${hostname} | v=${version}\n`, [["Content-Type", "text/plain"], ["Date", httpDate(now)], ["Connection", "keep-alive"]]);
  }
  if (isHpaExample(shortName)) return page(200, "OK", "OK!", [["Date", httpDate(now)], ["Server", "Apache/2.4.10 (Debian)"], ["X-Powered-By", "PHP/5.6.40"], ["Content-Type", "text/html"]]);
  if (/hello-app$/.test(shortName)) {
    const version = /^(\d+)/.exec(image.tag ?? "")?.[1] ?? "1";
    return page(200, "OK", `Hello, world!\nVersion: ${version}.0.0\nHostname: ${hostname}\n`, text());
  }
  if (/(^|\/)agnhost$/.test(shortName)) {
    const argv = ctx.behaviour(name).argv;
    if (argv.includes("serve-hostname")) return page(200, "OK", hostname, text());
    if (pathname === "/hostname") return page(200, "OK", hostname, text());
    if (pathname === "/echo") return page(200, "OK", decodeURIComponent(/(?:^|&)msg=([^&]*)/.exec(query)?.[1] ?? ""), text());
    return page(200, "OK", `NOW: ${new Date(now).toISOString().replace("T", " ").replace("Z", " +0000 UTC")}`, text());
  }
  return page(200, "OK", "", text());
}
