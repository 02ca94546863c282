/**
 * `kubectl exec`, `kubectl attach` and `kubectl run -it` against simulated containers, over the
 * WebSocket remote command protocol (v5.channel.k8s.io) kubectl ≥ 1.30 speaks: the docs' tutorial
 * commands, exit codes, upstream's errors, files that persist between execs and that exec probes see,
 * and interactive sessions fed through stdin (a real terminal via `script` where the machine has it).
 */
import { spawn, spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { Exec, KubeConfig } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { installedKubectlVersions, kubectl, kubectlBinary, newCluster, ok, until, useKubectlVersion, type Cluster } from "./helpers";
import { STATEFULSET_BASICS_WEB } from "./manifests";

const versions = installedKubectlVersions();

const NGINX_POD = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: nginx
    image: nginx:1.27.0
    ports:
    - containerPort: 80
`;

/** `script` gives kubectl a terminal, so -t really allocates a TTY (raw mode, prompts, \r\n). */
const hasScript = spawnSync("sh", ["-c", "command -v script"]).status === 0;

/** Runs kubectl in a pseudo-terminal, typing `keys` (each after its delay in ms); resolves at exit. */
function kubectlInTerminal(cluster: Cluster, args: string[], keys: [number, string][], timeoutMs = 60_000): Promise<{ code: number; screen: string }> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [kubectlBinary(), ...args].map(quote).join(" ");
  return new Promise((resolve) => {
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath, HOME: dirname(cluster.kubeconfigPath), TERM: "xterm" },
    });
    let screen = "";
    child.stdout.on("data", (d) => (screen += d));
    child.stderr.on("data", (d) => (screen += d));
    let at = 0;
    const timers = keys.map(([delay, text]) => setTimeout(() => child.stdin.write(text), (at += delay)));
    const kill = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      for (const t of [...timers, kill]) clearTimeout(t);
      resolve({ code: code ?? -1, screen });
    });
  });
}

async function runningPod(cluster: Cluster, manifest: string, name: string): Promise<void> {
  await ok(cluster, ["apply", "-f", "-"], { input: manifest });
  await ok(cluster, ["wait", "--for=condition=Ready", `pod/${name}`, "--timeout=60s"]);
}

describe.each(versions)("kubectl %s exec", (version) => {
  let cluster: Cluster;

  beforeAll(async () => {
    useKubectlVersion(version);
    cluster = await newCluster({ name: `exec-${version.replace(".", "-")}`, simulation: { profile: "fast" } });
    await runningPod(cluster, NGINX_POD("web"), "web");
  });

  it("runs a command over the WebSocket protocol (no SPDY fallback)", async () => {
    const run = await kubectl(cluster, ["exec", "web", "-v=4", "--", "hostname"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("web\n");
    expect(run.stderr).toContain("The subprotocol is v5.channel.k8s.io");
    expect(run.stderr).not.toMatch(/fall(ing)? ?back/i);
  });

  it("exits with the command's exit code", async () => {
    const run = await kubectl(cluster, ["exec", "web", "--", "sh", "-c", "exit 3"]);
    expect(run).toMatchObject({ code: 3, stdout: "" });
    expect(run.stderr).toContain("command terminated with exit code 3");
  });

  it("feeds stdin to a shell (-i) and ends with its exit", async () => {
    const run = await kubectl(cluster, ["exec", "-i", "web", "--", "sh"], { input: "echo hi\ncd /tmp\npwd\nexit 5\n" });
    expect(run).toMatchObject({ code: 5, stdout: "hi\n/tmp\n" });
  });
});

describe("kubectl exec in the tutorials", () => {
  let cluster: Cluster;

  beforeAll(async () => {
    useKubectlVersion(versions[versions.length - 1]);
    cluster = await newCluster({ name: "exec-tutorials", simulation: { profile: "fast" } });
  });

  it("StatefulSet Basics: hostnames, index.html written by exec, curl localhost, DNS from a busybox", async () => {
    await ok(cluster, ["apply", "-f", "-"], { input: STATEFULSET_BASICS_WEB });
    await ok(cluster, ["rollout", "status", "statefulset/web", "--timeout=60s"]);
    for (const i of [0, 1]) {
      expect(await ok(cluster, ["exec", `web-${i}`, "--", "sh", "-c", "hostname"])).toBe(`web-${i}\n`);
      await ok(cluster, ["exec", `web-${i}`, "--", "sh", "-c", 'echo "$(hostname)" > /usr/share/nginx/html/index.html']);
    }
    for (const i of [0, 1]) {
      const run = await kubectl(cluster, ["exec", "-i", "-t", `web-${i}`, "--", "curl", "http://localhost/"]);
      expect(run).toMatchObject({ code: 0, stdout: `web-${i}\n` });
      // stdin is a pipe here, so kubectl drops -t, as it says.
      expect(run.stderr).toContain("Unable to use a TTY - input is not a terminal or the right kind of file");
    }
    await runningPod(cluster, `apiVersion: v1
kind: Pod
metadata: {name: dns-test}
spec:
  containers:
  - {name: dns-test, image: "busybox:1.28", command: ["sleep", "3600"]}
`, "dns-test");
    const lookup = await ok(cluster, ["exec", "dns-test", "--", "nslookup", "web-0.nginx"]);
    const podIP = (await ok(cluster, ["get", "pod", "web-0", "-o", "jsonpath={.status.podIP}"])).trim();
    expect(lookup).toBe(`Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: ${podIP} web-0.nginx.default.svc.cluster.local\n`);
    expect(await ok(cluster, ["exec", "dns-test", "--", "wget", "-qO-", "http://web-1.nginx"])).toBe("web-1\n");
  });

  it("Kubernetes Basics: env, and a shell in the bootcamp app: cat server.js, curl localhost:8080", async () => {
    await ok(cluster, ["create", "deployment", "kubernetes-bootcamp", "--image=gcr.io/google-samples/kubernetes-bootcamp:v1"]);
    await ok(cluster, ["rollout", "status", "deployment/kubernetes-bootcamp", "--timeout=60s"]);
    const pod = (await ok(cluster, ["get", "pods", "-l", "app=kubernetes-bootcamp", "-o", "jsonpath={.items[0].metadata.name}"])).trim();
    const env = (await ok(cluster, ["exec", pod, "--", "env"])).split("\n");
    expect(env[0]).toBe("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    expect(env).toEqual(expect.arrayContaining([`HOSTNAME=${pod}`, "KUBERNETES_SERVICE_HOST=10.96.0.1", "KUBERNETES_PORT=tcp://10.96.0.1:443", "NODE_VERSION=6.3.1", "HOME=/root"]));
    const session = await kubectl(cluster, ["exec", "-ti", pod, "--", "bash"], { input: "cat server.js\ncurl http://localhost:8080\nexit\n" });
    expect(session.code).toBe(0);
    expect(session.stdout).toContain("response.write(\"Hello Kubernetes bootcamp! | Running on: \");");
    expect(session.stdout).toContain(`Hello Kubernetes bootcamp! | Running on: ${pod} | v=1\n`);
  });

  it("ConfigMap and Secret volumes and env: cat /etc/config/…, env", async () => {
    await ok(cluster, ["create", "configmap", "special-config", "--from-literal=SPECIAL_LEVEL=very", "--from-literal=SPECIAL_TYPE=charm"]);
    await ok(cluster, ["create", "secret", "generic", "test-secret", "--from-literal=username=my-app", "--from-literal=password=39528$vdg7Jb"]);
    await runningPod(cluster, `apiVersion: v1
kind: Pod
metadata: {name: config-pod}
spec:
  containers:
  - name: test-container
    image: busybox:1.36
    command: ["sleep", "3600"]
    env:
    - name: SPECIAL_LEVEL_KEY
      valueFrom: {configMapKeyRef: {name: special-config, key: SPECIAL_LEVEL}}
    volumeMounts:
    - {name: config-volume, mountPath: /etc/config}
    - {name: secret-volume, mountPath: /etc/secret-volume, readOnly: true}
  volumes:
  - name: config-volume
    configMap: {name: special-config}
  - name: secret-volume
    secret: {secretName: test-secret}
`, "config-pod");
    expect(await ok(cluster, ["exec", "config-pod", "--", "ls", "/etc/config/"])).toBe("SPECIAL_LEVEL\nSPECIAL_TYPE\n");
    expect(await ok(cluster, ["exec", "config-pod", "--", "cat", "/etc/config/SPECIAL_LEVEL"])).toBe("very");
    expect(await ok(cluster, ["exec", "config-pod", "--", "cat", "/etc/secret-volume/password"])).toBe("39528$vdg7Jb");
    expect(await ok(cluster, ["exec", "config-pod", "--", "env"])).toContain("SPECIAL_LEVEL_KEY=very\n");
  });

  it("a file written by one exec is read by the next", async () => {
    await runningPod(cluster, NGINX_POD("files"), "files");
    await ok(cluster, ["exec", "files", "--", "sh", "-c", "echo hello > /tmp/greeting; touch /tmp/empty"]);
    expect(await ok(cluster, ["exec", "files", "--", "cat", "/tmp/greeting"])).toBe("hello\n");
    expect(await ok(cluster, ["exec", "files", "--", "ls", "/tmp"])).toBe("empty\ngreeting\n");
    await ok(cluster, ["exec", "files", "--", "rm", "/tmp/greeting"]);
    const gone = await kubectl(cluster, ["exec", "files", "--", "cat", "/tmp/greeting"]);
    expect(gone).toMatchObject({ code: 1, stdout: "" });
    expect(gone.stderr).toContain("cat: /tmp/greeting: No such file or directory\ncommand terminated with exit code 1");
  });

  it("liveness probe: removing /tmp/healthy with exec gets the container killed and restarted", async () => {
    await runningPod(cluster, `apiVersion: v1
kind: Pod
metadata: {name: liveness-exec}
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/busybox
    args: ["/bin/sh", "-c", "touch /tmp/healthy; sleep 3600"]
    livenessProbe:
      exec: {command: ["cat", "/tmp/healthy"]}
      initialDelaySeconds: 5
      periodSeconds: 5
`, "liveness-exec");
    expect(await ok(cluster, ["exec", "liveness-exec", "--", "cat", "/tmp/healthy"])).toBe("");
    await ok(cluster, ["exec", "liveness-exec", "--", "rm", "/tmp/healthy"]);
    await until("a restart after the probe failed", async () => Number(await ok(cluster, ["get", "pod", "liveness-exec", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"])) >= 1, 30_000);
    const events = await ok(cluster, ["get", "events", "--field-selector", "involvedObject.name=liveness-exec", "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}"]);
    expect(events).toContain("Unhealthy: Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory");
    expect(events).toContain("Killing: Container liveness failed liveness probe, will be restarted");
    // The restarted container made the file again.
    expect((await kubectl(cluster, ["exec", "liveness-exec", "--", "cat", "/tmp/healthy"])).code).toBe(0);
  });
});

describe("kubectl exec errors", () => {
  let cluster: Cluster;

  beforeAll(async () => {
    useKubectlVersion(versions[versions.length - 1]);
    cluster = await newCluster({ name: "exec-errors", simulation: { profile: "fast" } });
    await runningPod(cluster, NGINX_POD("web"), "web");
  });

  it.each([
    ["a missing pod", ["exec", "nope", "--", "ls"], 'Error from server (NotFound): pods "nope" not found'],
    ["a container the pod does not have", ["exec", "web", "-c", "x", "--", "ls"], "Error from server (BadRequest): container x is not valid for pod web"],
  ])("%s", async (_what, args, message) => {
    const run = await kubectl(cluster, args);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(message);
  });

  it("a program the image does not have: containerd's error, wrapped twice as kube-apiserver relays it", async () => {
    const run = await kubectl(cluster, ["exec", "web", "--", "foo"]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "foo": executable file not found in \$PATH: unknown$/);
  });

  it("a command the shell cannot find: 127 and dash's message", async () => {
    const run = await kubectl(cluster, ["exec", "web", "--", "sh", "-c", "foo"]);
    expect(run).toMatchObject({ code: 127, stdout: "" });
    expect(run.stderr).toBe("sh: 1: foo: not found\ncommand terminated with exit code 127\n");
  });

  it("a pod not scheduled yet, one whose container is not running, one that completed", async () => {
    await ok(cluster, ["run", "pending", "--image=nginx", "--overrides", JSON.stringify({ spec: { nodeSelector: { disk: "none" } } })]);
    await ok(cluster, ["run", "badimage", "--image=nginx:1.161"]);
    await ok(cluster, ["run", "done", "--image=busybox:1.36", "--restart=Never", "--", "true"]);
    await until("done to complete", async () => (await ok(cluster, ["get", "pod", "done", "-o", "jsonpath={.status.phase}"])) === "Succeeded");
    await until("badimage to fail its pull", async () => /ImagePull/.test(await ok(cluster, ["get", "pod", "badimage", "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}"])));
    expect((await kubectl(cluster, ["exec", "pending", "--", "ls"])).stderr.trim()).toBe("Error from server (BadRequest): pod pending does not have a host assigned");
    expect((await kubectl(cluster, ["exec", "badimage", "--", "ls"])).stderr.trim()).toBe('error: Internal error occurred: unable to upgrade connection: container not found ("badimage")');
    expect((await kubectl(cluster, ["exec", "done", "--", "ls"])).stderr.trim()).toBe("error: cannot exec into a container in a completed pod; current phase is Succeeded");
  });
});

describe("interactive sessions", () => {
  let cluster: Cluster;

  beforeAll(async () => {
    useKubectlVersion(versions[versions.length - 1]);
    cluster = await newCluster({ name: "exec-interactive", simulation: { profile: "fast" } });
    await runningPod(cluster, NGINX_POD("web"), "web");
    await runningPod(cluster, `apiVersion: v1
kind: Pod
metadata: {name: bb}
spec:
  containers:
  - {name: bb, image: "busybox:1.36", command: ["sleep", "3600"]}
`, "bb");
  });

  it("kubectl exec -i: stdin lines run in order; state carries from line to line; cat echoes stdin", async () => {
    const run = await kubectl(cluster, ["exec", "-i", "bb", "--", "sh"], { input: "X=1\necho x=$X\ncd /etc\nls hostname\nnosuch\n" });
    expect(run).toMatchObject({ code: 127, stdout: "x=1\nhostname\n" });
    expect(run.stderr).toContain("sh: nosuch: not found");
    expect(await ok(cluster, ["exec", "-i", "bb", "--", "cat"], { input: "one\ntwo\n" })).toBe("one\ntwo\n");
  });

  it.skipIf(!hasScript)("kubectl exec -it pod -- sh in a terminal: prompt, echo, exit code", async () => {
    const { code, screen } = await kubectlInTerminal(cluster, ["exec", "-it", "bb", "--", "sh"], [[1500, "cd /tmp\r"], [500, "pwd\r"], [500, "exit 4\r"]]);
    expect(code).toBe(4);
    expect(screen).toContain("/ # cd /tmp\r\n/tmp # pwd\r\n/tmp\r\n/tmp # exit 4\r\n");
  });

  it.skipIf(!hasScript)("kubectl exec -it pod -- bash on nginx: root@web:/#", async () => {
    const { code, screen } = await kubectlInTerminal(cluster, ["exec", "-it", "web", "--", "bash"], [[1500, "hostname\r"], [500, "exit\r"]]);
    expect(code).toBe(0);
    expect(screen).toContain("root@web:/# hostname\r\nweb\r\nroot@web:/# exit\r\nexit\r\n");
  });

  it.skipIf(!hasScript)("kubectl run -it --rm busybox -- sh: attaches to the pod's shell; exit ends it and the pod is deleted", async () => {
    const { code, screen } = await kubectlInTerminal(cluster, ["run", "-it", "--rm", "busybox", "--image=busybox:1.28", "--restart=Never", "--", "sh"],
      [[4000, "\r"], [500, "hostname\r"], [500, "exit 3\r"]]);
    expect(screen).toContain("If you don't see a command prompt, try pressing enter.");
    expect(screen).toContain("/ # hostname\r\nbusybox\r\n/ # exit 3\r\n");
    expect(screen).toContain('pod "busybox" deleted');
    expect(code).toBe(3);
    await until("the pod to be gone", async () => (await kubectl(cluster, ["get", "pod", "busybox"])).code !== 0);
  });

  it("kubectl attach -i to a container's shell", async () => {
    await runningPod(cluster, `apiVersion: v1
kind: Pod
metadata: {name: attached}
spec:
  restartPolicy: Never
  containers:
  - {name: shell, image: "busybox:1.36", stdin: true, stdinOnce: true, command: ["sh"]}
`, "attached");
    const run = await kubectl(cluster, ["attach", "-i", "attached"], { input: "echo from the attached shell\nexit 2\n" });
    expect(run.stdout).toContain("from the attached shell\n");
    await until("the container to exit 2", async () => (await ok(cluster, ["get", "pod", "attached", "-o", "jsonpath={.status.containerStatuses[0].state.terminated.exitCode}"])) === "2");
  });

  it("@kubernetes/client-node Exec: output, and the exit status on the error channel", async () => {
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig);
    const collect = () => {
      let text = "";
      const stream = new Writable({ write: (chunk, _enc, done) => ((text += chunk), done()) });
      return { stream, text: () => text };
    };
    const out = collect();
    const err = collect();
    const status = await new Promise<{ status: string; details?: { causes?: { reason: string; message: string }[] } }>((resolve, reject) => {
      new Exec(kc).exec("default", "bb", "bb", ["sh", "-c", "echo out; echo err >&2; exit 6"], out.stream, err.stream, null, false, (s) => resolve(s as never)).catch(reject);
    });
    expect(out.text()).toBe("out\n");
    expect(err.text()).toBe("err\n");
    expect(status).toMatchObject({ status: "Failure", reason: "NonZeroExitCode", details: { causes: [{ reason: "ExitCode", message: "6" }] } });
    const stdin = new PassThrough();
    const echoed = collect();
    const done = new Promise((resolve) => {
      void new Exec(kc).exec("default", "bb", "bb", ["cat"], echoed.stream, null, stdin, false, resolve);
    });
    stdin.end("through stdin\n");
    expect(await done).toMatchObject({ status: "Success" });
    expect(echoed.text()).toBe("through stdin\n");
  });
});
