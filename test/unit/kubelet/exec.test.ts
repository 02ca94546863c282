/**
 * `kubectl exec` on the node's side (sim/kubelet/exec.ts): commands from the Kubernetes docs' tutorials
 * run in a simulated container's world — its environment, files, DNS and the servers it can reach —
 * and the kubelet's and runtime's errors read as upstream's.
 */
import { describe, expect, it } from "vitest";
import type { KObject } from "../../../src/api/types";
import { createKubelet, podContextAt } from "../../../src/sim/kubelet";
import { addWrites, endProcess, execOnce, execRefusal, ExecProcess, type ExecStep, type ExecWorldInput, runningInstance, withInstance } from "../../../src/sim/kubelet/exec";
import { DEFAULT_SETTINGS } from "../../../src/sim/settings";
import { container, pod } from "./fixtures";
import { Cluster } from "./harness";

function world(c: Cluster, name: string): ExecWorldInput {
  const snapshot = c.snapshot();
  return { pod: c.get("pods", "default", name)!, snapshot, settings: DEFAULT_SETTINGS, now: c.now, podContext: (p: KObject) => podContextAt(p, snapshot, c.now, DEFAULT_SETTINGS) };
}

/** A cluster with the tutorials' pods running: nginx, busybox (sleeping), the bootcamp app, php-apache. */
function cluster(): Cluster {
  const c = new Cluster(createKubelet(DEFAULT_SETTINGS));
  c.put("pods", pod("web-0", [container("registry.k8s.io/nginx-slim:0.21", { name: "nginx", ports: [{ containerPort: 80, name: "web" }] })], {
    spec: { hostname: "web-0", subdomain: "nginx" },
  }));
  c.put("pods", pod("bb", [container("busybox:1.28", { command: ["sleep", "3600"], env: [{ name: "GREETING", value: "hi there" }] })]));
  c.put("pods", pod("bootcamp", [container("gcr.io/google-samples/kubernetes-bootcamp:v1", { name: "kubernetes-bootcamp" })]));
  c.put("pods", pod("php", [container("registry.k8s.io/hpa-example", { name: "php-apache", ports: [{ containerPort: 80 }] })]));
  c.run(10);
  return c;
}

/** Runs one command to its end in pod `name` (its only container). */
function exec(c: Cluster, name: string, command: string[], stdin?: string) {
  const p = c.get("pods", "default", name)!;
  const containerName = (p.spec as { containers: { name: string }[] }).containers[0].name;
  return execOnce(world(c, name), { container: containerName, command, stdin });
}

/** Commits an exec's file writes as the API server does (into the runtime record). */
function commit(c: Cluster, name: string, containerName: string, writes: Parameters<typeof addWrites>[0]): void {
  const p = c.get("pods", "default", name)!;
  const next = withInstance(p, containerName, runningInstance(p, containerName), addWrites(writes));
  if (next) c.put("pods", next);
}

describe("commands from the tutorials", () => {
  const c = cluster();
  it.each([
    ["StatefulSet Basics: hostname", "web-0", ["sh", "-c", "hostname"], "web-0\n"],
    ["the pod's FQDN in /etc/hosts", "web-0", ["sh", "-c", "grep web-0 /etc/hosts"], "10.244.1.5\tweb-0.nginx.default.svc.cluster.local\tweb-0\n"],
    ["DNS debugging: resolv.conf", "bb", ["cat", "/etc/resolv.conf"], "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"],
    ["printenv of a literal env var", "bb", ["printenv", "GREETING"], "hi there\n"],
    ["Kubernetes Basics: cat server.js", "bootcamp", ["sh", "-c", "cat server.js | head -1"], "var http = require('http');\n"],
    ["Kubernetes Basics: curl localhost:8080", "bootcamp", ["curl", "-s", "http://localhost:8080"], "Hello Kubernetes bootcamp! | Running on: bootcamp | v=1\n"],
    ["HPA walkthrough: php-apache answers OK!", "php", ["curl", "-s", "localhost"], "OK!"],
    ["the service account namespace file", "bb", ["cat", "/var/run/secrets/kubernetes.io/serviceaccount/namespace"], "default"],
    ["echo with a variable", "bb", ["sh", "-c", 'echo "I am $HOSTNAME"'], "I am bb\n"],
    ["ls of a directory", "web-0", ["ls", "/usr/share/nginx/html"], "50x.html\nindex.html\n"],
    ["cd and pwd", "bb", ["sh", "-c", "cd /tmp && pwd"], "/tmp\n"],
    ["test -f of a missing file", "bb", ["sh", "-c", "test -f /tmp/healthy || echo missing"], "missing\n"],
  ])("%s", (_title, name, command, stdout) => {
    const result = exec(c, name, command as string[]);
    expect(result).toMatchObject({ stdout, stderr: "", code: 0 });
  });

  it("kubernetes-basics: env lists PATH, HOSTNAME, the Service links and the image's ENV, then HOME", () => {
    const lines = exec(c, "bootcamp", ["env"]).stdout.trim().split("\n");
    expect(lines[0]).toBe("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    expect(lines[1]).toBe("HOSTNAME=bootcamp");
    expect(lines).toEqual(expect.arrayContaining(["NPM_CONFIG_LOGLEVEL=info", "NODE_VERSION=6.3.1"]));
    expect(lines[lines.length - 1]).toBe("HOME=/root");
  });

  it("nginx serves its welcome page on localhost", () => {
    expect(exec(c, "web-0", ["curl", "http://localhost/"]).stdout).toContain("<title>Welcome to nginx!</title>");
  });
});

describe("exit codes and errors", () => {
  const c = cluster();

  it("sh -c 'exit 3' exits 3", () => {
    expect(exec(c, "bb", ["sh", "-c", "exit 3"])).toMatchObject({ code: 3, stdout: "", stderr: "" });
  });

  it("a program the image lacks fails in the runtime, as containerd says", () => {
    const result = exec(c, "bb", ["bash"]);
    expect(result.code).toBeUndefined();
    expect(result.failure).toMatch(/^error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in \$PATH: unknown$/);
    expect(exec(c, "bb", ["/bin/bash"]).failure).toContain('exec: "/bin/bash": stat /bin/bash: no such file or directory: unknown');
  });

  it.each([
    ["busybox ash", "bb", ["sh", "-c", "curl localhost"], "sh: curl: not found\n"],
    ["Debian dash", "web-0", ["sh", "-c", "wget localhost"], "sh: 1: wget: not found\n"],
    ["bash", "web-0", ["bash", "-c", "nslookup web"], "bash: line 1: nslookup: command not found\n"],
  ])("inside a shell a missing command is 127 with %s's message", (_shell, name, command, stderr) => {
    expect(exec(c, name, command as string[])).toMatchObject({ code: 127, stderr, stdout: "" });
  });

  it("errors go to stderr, in the image's userland's words", () => {
    expect(exec(c, "bb", ["cat", "/tmp/healthy"])).toMatchObject({ code: 1, stderr: "cat: can't open '/tmp/healthy': No such file or directory\n" });
    expect(exec(c, "web-0", ["cat", "/tmp/healthy"])).toMatchObject({ code: 1, stderr: "cat: /tmp/healthy: No such file or directory\n" });
    expect(exec(c, "web-0", ["ls", "/nope"])).toMatchObject({ code: 2, stderr: "ls: cannot access '/nope': No such file or directory\n" });
    expect(exec(c, "bb", ["sh", "-c", "cat /nope 2>/dev/null; echo $?"])).toMatchObject({ stdout: "1\n", stderr: "" });
  });

  it("the kubelet refuses a pod it has not admitted and a container that is not running", () => {
    const c2 = new Cluster(createKubelet(DEFAULT_SETTINGS));
    c2.put("pods", pod("late", [container("nginx")]));
    expect(execRefusal(c2.get("pods", "default", "late")!, "nginx")).toBe("pod does not exist");
    c2.run(0.1);
    expect(execRefusal(c2.get("pods", "default", "late")!, "nginx")).toBe('container not found ("nginx")');
    c2.run(10);
    expect(execRefusal(c2.get("pods", "default", "late")!, "nginx")).toBeUndefined();
  });
});

describe("the network from inside a pod", () => {
  const c = cluster();
  c.put("services", { apiVersion: "v1", kind: "Service", metadata: { name: "php-apache", namespace: "default", creationTimestamp: "2024-05-01T09:00:00Z" }, spec: { clusterIP: "10.96.0.50", ports: [{ port: 80, targetPort: 80 }] } });
  c.put("endpointslices.discovery.k8s.io", {
    apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "php-apache-abcde", namespace: "default", labels: { "kubernetes.io/service-name": "php-apache" } },
    addressType: "IPv4", endpoints: [{ addresses: [(c.get("pods", "default", "php")!.status as { podIP: string }).podIP], conditions: { ready: true } }], ports: [{ name: "", port: 80, protocol: "TCP" }],
  } as KObject);

  it("wget -q -O- http://php-apache reaches the Service's pod (the HPA load generator's request)", () => {
    expect(exec(c, "bb", ["wget", "-q", "-O-", "http://php-apache"])).toMatchObject({ stdout: "OK!", code: 0 });
  });

  it("nslookup answers from cluster DNS in busybox 1.28's format", () => {
    expect(exec(c, "bb", ["nslookup", "php-apache"]).stdout).toBe(
      "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      php-apache\nAddress 1: 10.96.0.50 php-apache.default.svc.cluster.local\n",
    );
  });

  it("an unknown name does not resolve; a port nobody listens on is refused", () => {
    expect(exec(c, "web-0", ["curl", "http://nosuch/"])).toMatchObject({ code: 6, stderr: "curl: (6) Could not resolve host: nosuch\n" });
    expect(exec(c, "web-0", ["curl", "-s", "localhost:8080"])).toMatchObject({ code: 7, stderr: "" });
    expect(exec(c, "bb", ["wget", "-qO-", "http://localhost"])).toMatchObject({ code: 1, stderr: "wget: can't connect to remote host (127.0.0.1): Connection refused\n" });
  });
});

describe("files an exec writes", () => {
  it("StatefulSet Basics: index.html written by one exec is what nginx serves to the next", () => {
    const c = cluster();
    const wrote = exec(c, "web-0", ["sh", "-c", 'echo "$(hostname)" > /usr/share/nginx/html/index.html']);
    expect(wrote.writes).toEqual([{ at: c.now, path: "/usr/share/nginx/html/index.html", content: "web-0\n" }]);
    commit(c, "web-0", "nginx", wrote.writes);
    expect(exec(c, "web-0", ["curl", "http://localhost/"]).stdout).toBe("web-0\n");
    expect(exec(c, "web-0", ["cat", "/usr/share/nginx/html/index.html"]).stdout).toBe("web-0\n");
  });

  it("a file removed by exec makes the liveness probe fail and the container restart; the new one starts afresh", () => {
    const c = new Cluster(createKubelet(DEFAULT_SETTINGS));
    c.put("pods", pod("liveness-exec", [container("registry.k8s.io/busybox", {
      name: "liveness",
      args: ["/bin/sh", "-c", "touch /tmp/healthy; sleep 3600"],
      livenessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, initialDelaySeconds: 5, periodSeconds: 5 },
    })]));
    c.run(60);
    expect(c.pod("liveness-exec").status?.containerStatuses?.[0].restartCount).toBe(0);
    const removed = exec(c, "liveness-exec", ["rm", "/tmp/healthy"]);
    expect(removed).toMatchObject({ code: 0, writes: [{ path: "/tmp/healthy" }] });
    commit(c, "liveness-exec", "liveness", removed.writes);
    c.run(30);
    expect(c.eventsFor("liveness-exec")).toEqual(expect.arrayContaining([
      "Warning Unhealthy: Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory",
      "Normal Killing: Container liveness failed liveness probe, will be restarted",
    ]));
    expect(c.pod("liveness-exec").status?.containerStatuses?.[0].restartCount).toBe(1);
    expect(exec(c, "liveness-exec", ["cat", "/tmp/healthy"])).toMatchObject({ code: 0 });
  });

  it("a shared emptyDir shows what the other container wrote (two-containers example)", () => {
    const c = new Cluster(createKubelet(DEFAULT_SETTINGS));
    c.put("pods", pod("two-containers", [
      container("nginx", { name: "nginx-container", volumeMounts: [{ name: "shared-data", mountPath: "/usr/share/nginx/html" }] }),
      container("debian", { name: "debian-container", volumeMounts: [{ name: "shared-data", mountPath: "/pod-data" }], command: ["/bin/sh"], args: ["-c", "echo Hello from the debian container > /pod-data/index.html"] }),
    ], { restartPolicy: "Never", spec: { volumes: [{ name: "shared-data", emptyDir: {} }] } }));
    c.run(10);
    const result = execOnce(world(c, "two-containers"), { container: "nginx-container", command: ["curl", "-s", "localhost"] });
    expect(result.stdout).toBe("Hello from the debian container\n");
  });
});

describe("stdin and interactive shells", () => {
  const c = cluster();
  const session = (name: string, command: string[], tty: boolean) => {
    const w = world(c, name);
    const containerName = (w.pod.spec as { containers: { name: string }[] }).containers[0].name;
    const p = new ExecProcess({ container: containerName, command, stdin: true, tty }, w.pod, 7);
    const steps: ExecStep[] = [p.start(w)];
    return {
      p,
      type: (text: string) => steps.push(p.write(text, w)),
      close: () => steps.push(p.closeInput(w)),
      screen: () => steps.flatMap((s) => s.chunks).filter((ch) => ch.stream === "stdout").map((ch) => ch.text).join(""),
      errors: () => steps.flatMap((s) => s.chunks).filter((ch) => ch.stream === "stderr").map((ch) => ch.text).join(""),
      end: () => steps.find((s) => s.end)?.end,
    };
  };

  it("kubectl exec -it pod -- sh: a busybox prompt, echo of what is typed, \\r\\n line ends, exit code", () => {
    const s = session("bb", ["sh"], true);
    s.type("cd /tm");
    s.type("\x7f\x7fetc\r");
    s.type("pwd\r");
    s.type("exit 4\r");
    expect(s.screen()).toBe("/ # cd /tm\b \b\b \betc\r\n/etc # pwd\r\n/etc\r\n/etc # exit 4\r\n");
    expect(s.end()).toEqual({ at: 0, code: 4 });
  });

  it("kubectl exec -it pod -- bash on a Debian image: root@pod:/# and bash's goodbye", () => {
    const s = session("bootcamp", ["bash"], true);
    s.type("cat server.js | wc -l\r");
    s.type("exit\r");
    expect(s.screen()).toBe("root@bootcamp:/# cat server.js | wc -l\r\n19\r\nroot@bootcamp:/# exit\r\nexit\r\n");
    expect(s.end()).toEqual({ at: 0, code: 0 });
  });

  it("^C abandons the line, ^D at an empty prompt ends the shell with the last status", () => {
    const s = session("bb", ["sh"], true);
    s.type("false\r");
    s.type("sleep 10\x03");
    s.type("\x04");
    expect(s.screen()).toBe("/ # false\r\n/ # sleep 10^C\r\n/ # \r\n");
    expect(s.end()).toEqual({ at: 0, code: 130 });
  });

  it("kubectl exec -i pod -- sh: lines from stdin, no prompt, and the shell ends at end of input", () => {
    const s = session("bb", ["sh"], false);
    s.type("echo one\nFOO=bar\necho $FOO\nnosuch\n");
    s.close();
    expect(s.screen()).toBe("one\nbar\n");
    expect(s.errors()).toBe("sh: nosuch: not found\n");
    expect(s.end()).toEqual({ at: 0, code: 127 });
  });

  it("a command that reads stdin waits for it; one that does not runs at once", () => {
    const cat = session("bb", ["cat"], false);
    expect(cat.end()).toBeUndefined();
    cat.type("hello\n");
    expect(cat.end()).toBeUndefined();
    cat.close();
    expect(cat.screen()).toBe("hello\n");
    expect(cat.end()).toEqual({ at: 0, code: 0 });
    const read = session("bb", ["sh", "-c", "echo ask; read x; echo got $x"], false);
    expect(read.screen()).toBe("ask\n");
    read.type("it\n");
    expect(read.screen()).toBe("ask\ngot it\n");
    expect(session("web-0", ["curl", "-s", "localhost"], true).end()).toEqual({ at: 0, code: 0 });
  });

  it("kubectl exec pod -- sh without -i reads end-of-file and exits 0", () => {
    expect(execOnce(world(c, "bb"), { container: "busybox", command: ["sh"] })).toMatchObject({ code: 0, stdout: "" });
  });
});

describe("kubectl run -it: the attached shell ends the container", () => {
  it("exit 3 in the attached shell makes the container exit 3", () => {
    const c = new Cluster(createKubelet(DEFAULT_SETTINGS));
    c.put("pods", pod("busybox", [container("busybox:1.28", { stdin: true, stdinOnce: true, tty: true, args: ["sh"] })], { restartPolicy: "Never" }));
    c.run(10);
    const p = c.get("pods", "default", "busybox")!;
    expect(c.pod("busybox").status?.phase).toBe("Running");
    const next = withInstance(p, "busybox", runningInstance(p, "busybox"), endProcess(c.now, 3));
    c.put("pods", next!);
    c.run(10);
    expect(c.pod("busybox").status?.phase).toBe("Failed");
    expect(c.pod("busybox").status?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 3, reason: "Error" });
  });
});
