/**
 * `kubectl port-forward` as the docs' tutorials use it (`pod/x 8080:80`, `svc/x`, then `curl
 * localhost:8080`): kubectl 1.31+ tunnels SPDY through a WebSocket, and what the local client sends
 * reaches the simulated server in the pod (nginx's welcome page); a port nothing listens on gets the
 * kubelet's "connection refused" on the error stream.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { installedKubectlVersions, newCluster, ok, spawnKubectl, useKubectlVersion, type Cluster } from "./helpers";

const versions = installedKubectlVersions();

const WEB = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx:1.27.0
    ports:
    - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 8080
    targetPort: 80
`;

describe.each(versions)("kubectl %s port-forward", (version) => {
  let cluster: Cluster;
  let running: ReturnType<typeof spawnKubectl> | undefined;

  beforeAll(async () => {
    useKubectlVersion(version);
    cluster = await newCluster();
    await ok(cluster, ["apply", "-f", "-"], { input: WEB });
    await ok(cluster, ["wait", "--for=condition=Ready", "pod/web", "--timeout=60s"]);
  });

  afterEach(() => {
    running?.stop();
    running = undefined;
  });

  /** Starts `kubectl port-forward <target> :<remote>` and returns the local port it chose. */
  async function forward(target: string, remote: number, podPort = remote): Promise<number> {
    useKubectlVersion(version);
    running = spawnKubectl(cluster, ["port-forward", target, `:${remote}`]);
    await running.waitFor(new RegExp(`Forwarding from 127\\.0\\.0\\.1:\\d+ -> ${podPort}`));
    return Number(new RegExp(`127\\.0\\.0\\.1:(\\d+) -> ${podPort}`).exec(running.output())![1]);
  }

  it("pod/web: curl localhost gets nginx's welcome page, once per connection", async () => {
    const port = await forward("pod/web", 80);
    const first = await fetch(`http://127.0.0.1:${port}/`);
    expect(first.status).toBe(200);
    expect(first.headers.get("server")).toBe("nginx/1.27.0");
    expect(await first.text()).toContain("<title>Welcome to nginx!</title>");
    const missing = await fetch(`http://127.0.0.1:${port}/nope.html`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("404 Not Found");
    expect(running!.output()).toContain("Handling connection for");
  });

  it("svc/web: kubectl picks a pod behind the Service and maps the service port to its targetPort", async () => {
    const port = await forward("svc/web", 8080, 80);
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(await res.text()).toContain("Welcome to nginx!");
  });

  it("a port nothing listens on: the kubelet's connection refused on the error stream", async () => {
    const port = await forward("pod/web", 81);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    // klog quotes the message, so its inner quotes come out escaped.
    await running!.waitFor(/error: lost connection to pod/);
    expect(running!.output()).toMatch(/an error occurred forwarding \d+ -> 81: error forwarding port 81 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace /);
    expect(running!.output()).toContain("failed to connect to localhost:81 inside namespace");
    expect(running!.output()).toContain("IPv4: dial tcp4 127.0.0.1:81: connect: connection refused IPv6 dial tcp6 [::1]:81: connect: connection refused");
  });
});
