/** Container behaviour derived from image, command and args: the commands the docs use, as table tests. */
import type { Container } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { containerBehaviour, printedBetween, serviceOf } from "../../../src/sim/kubelet/behaviour";
import { container } from "./fixtures";

const sh = (script: string) => ["/bin/sh", "-c", script];
const behaviour = (c: Container, annotations?: Record<string, string>) => containerBehaviour(c, annotations);
const texts = (c: Container) => behaviour(c).logs.map((l) => l.text);

describe("containerBehaviour: how long it runs and how it exits", () => {
  it.each([
    { what: "nginx with no command runs forever", c: container("nginx:1.14.2"), run: "forever", code: 0, kind: "server" },
    { what: "httpd with no command runs forever", c: container("httpd:2.4"), run: "forever", code: 0, kind: "server" },
    { what: "redis with no command runs forever", c: container("redis"), run: "forever", code: 0, kind: "server" },
    { what: "php:apache runs forever", c: container("php:8.2-apache"), run: "forever", code: 0, kind: "server" },
    { what: "hpa-example runs forever", c: container("registry.k8s.io/hpa-example"), run: "forever", code: 0, kind: "server" },
    { what: "an unknown image runs forever", c: container("example.com/team/api:v3"), run: "forever", code: 0, kind: "server" },
    { what: "busybox with no command exits 0 at once", c: container("busybox"), run: 0, code: 0, kind: "shell" },
    { what: "ubuntu with no command exits 0 at once", c: container("ubuntu:22.04"), run: 0, code: 0, kind: "shell" },
    { what: "busybox with stdin open waits forever (kubectl run -it)", c: container("busybox", { stdin: true, tty: true }), run: "forever", code: 0, kind: "shell" },
    { what: "sleep 5", c: container("busybox", { command: ["sleep", "5"] }), run: 5, code: 0, kind: "command" },
    { what: "sleep 1h", c: container("busybox", { command: ["sleep", "1h"] }), run: 3600, code: 0, kind: "command" },
    { what: "sleep infinity", c: container("busybox", { command: ["sleep", "infinity"] }), run: "forever", code: 0, kind: "command" },
    { what: "sh -c 'sleep 5'", c: container("busybox", { command: sh("sleep 5") }), run: 5, code: 0, kind: "script" },
    { what: "args only: sh -c 'sleep 3; exit 4'", c: container("busybox", { args: sh("sleep 3; exit 4") }), run: 3, code: 4, kind: "script" },
    { what: "exit 3", c: container("busybox", { command: sh("exit 3") }), run: 0, code: 3, kind: "script" },
    { what: "false", c: container("busybox", { command: ["false"] }), run: 0, code: 1, kind: "command" },
    { what: "true", c: container("busybox", { command: ["true"] }), run: 0, code: 0, kind: "command" },
    { what: "false && sleep 9 stops at false", c: container("busybox", { command: sh("false && sleep 9") }), run: 0, code: 1, kind: "script" },
    { what: "false || sleep 2 recovers", c: container("busybox", { command: sh("false || sleep 2") }), run: 2, code: 0, kind: "script" },
    { what: "echo The app is running! && sleep 3600", c: container("busybox", { command: sh("echo The app is running! && sleep 3600") }), run: 3600, code: 0, kind: "script" },
    { what: "while true loop never ends", c: container("busybox", { command: sh("while true; do echo hi; sleep 10; done") }), run: "forever", code: 0, kind: "script" },
    { what: "while sleep loop never ends", c: container("busybox", { command: sh("while sleep 1; do date; done") }), run: "forever", code: 0, kind: "script" },
    { what: "a counting loop ends", c: container("busybox", { command: sh("i=0; while [ $i -lt 3 ]; do i=$((i+1)); sleep 1; done; exit $i") }), run: 3, code: 3, kind: "script" },
    { what: "for over a list", c: container("busybox", { command: sh("for i in 1 2 3; do sleep 1; done") }), run: 3, code: 0, kind: "script" },
    { what: "tail -f /dev/null", c: container("busybox", { command: ["tail", "-f", "/dev/null"] }), run: "forever", code: 0, kind: "command" },
    { what: "a script ending in a server", c: container("nginx", { command: sh("echo starting; nginx -g 'daemon off;'") }), run: "forever", code: 0, kind: "script" },
    { what: "an unparseable script is assumed long-running", c: container("busybox", { command: sh("case $x in a) ;; esac") }), run: "forever", code: 0, kind: "script" },
    { what: "perl bpi(2000) takes ~10 s", c: container("perl:5.34.0", { command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"] }), run: 10, code: 0, kind: "pi" },
    { what: "python app.py is taken for a server", c: container("python:3.12", { command: ["python", "app.py"] }), run: "forever", code: 0, kind: "unknown" },
    { what: "sh -ec runs the script", c: container("busybox", { command: ["/bin/sh", "-ec", "sleep 2; exit 5"] }), run: 2, code: 5, kind: "script" },
    { what: "agnhost netexec serves", c: container("registry.k8s.io/e2e-test-images/agnhost:2.40", { args: ["netexec", "--http-port=8080"] }), run: "forever", code: 0, kind: "server" },
  ])("$what", ({ c, run, code, kind }) => {
    const b = behaviour(c);
    expect(b.runSeconds).toBe(run);
    expect(b.exitCode).toBe(code);
    expect(b.kind).toBe(kind);
  });
});

describe("containerBehaviour: what it prints", () => {
  it.each([
    { what: "echo", c: container("busybox", { command: ["echo", "hello", "world"] }), lines: ["hello world"] },
    { what: "echo -n then echo", c: container("busybox", { command: sh("echo -n a; echo b") }), lines: ["ab"] },
    { what: "printf with a format", c: container("busybox", { command: sh('printf "%s=%d\\n" x 42') }), lines: ["x=42"] },
    { what: "date at the epoch (no start time given)", c: container("busybox", { command: ["date"] }), lines: ["Thu Jan  1 00:00:00 UTC 1970"] },
    { what: "the CronJob example", c: container("busybox:1.28", { command: sh("date; echo Hello from the Kubernetes cluster") }), lines: ["Thu Jan  1 00:00:00 UTC 1970", "Hello from the Kubernetes cluster"] },
    { what: "variables and arithmetic", c: container("busybox", { command: sh('x=2; y=$((x*21)); echo "$x * 21 = $y"') }), lines: ["2 * 21 = 42"] },
    { what: "for loop output", c: container("busybox", { command: sh("for i in 9 8 7; do echo $i; done") }), lines: ["9", "8", "7"] },
    { what: "seq in a command substitution", c: container("busybox", { command: sh("for i in $(seq 1 3); do echo n$i; done") }), lines: ["n1", "n2", "n3"] },
    { what: "Kubernetes $(VAR) expansion from env", c: container("busybox", { command: ["/bin/echo", "$(SPECIAL_LEVEL_KEY) $(SPECIAL_TYPE_KEY)"], env: [{ name: "SPECIAL_LEVEL_KEY", value: "very" }, { name: "SPECIAL_TYPE_KEY", value: "charm" }] }), lines: ["very charm"] },
    { what: "shell $VAR from env", c: container("busybox", { command: sh('echo "Hello $NAME"'), env: [{ name: "NAME", value: "Kubernetes" }] }), lines: ["Hello Kubernetes"] },
    { what: "redirection keeps output out of the log", c: container("busybox", { command: sh("echo secret > /tmp/x; cat /tmp/x") }), lines: ["secret"] },
    { what: "pipes through grep and wc", c: container("busybox", { command: sh("printf 'a\\nb\\na\\n' | grep a | wc -l") }), lines: ["2"] },
    { what: "if/else", c: container("busybox", { command: sh('if [ -f /tmp/none ]; then echo yes; else echo no; fi') }), lines: ["no"] },
    { what: "python -c print", c: container("python:3.12", { command: ["python3", "-c", "print('hello')"] }), lines: ["hello"] },
    { what: "env lists the environment", c: container("busybox", { command: ["env"], env: [{ name: "GREETING", value: "hi" }] }), lines: ["GREETING=hi", "HOSTNAME=busybox"] },
    { what: "the service account namespace file", c: container("busybox", { command: ["cat", "/var/run/secrets/kubernetes.io/serviceaccount/namespace"] }), lines: ["default"] },
  ])("$what", ({ c, lines }) => {
    expect(texts(c)).toEqual(lines);
  });

  it("prints pi to 2000 significant digits", () => {
    const [line] = behaviour(container("perl", { command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"] })).logs;
    expect(line.at).toBe(10);
    expect(line.text).toHaveLength(2001);
    expect(line.text.slice(0, 12)).toBe("3.1415926535");
    expect(line.text.slice(-10)).toBe("4780275901"); // decimals 1990–1999, the last one rounded
  });

  it("the counter example prints every second, forever", () => {
    const c = container("busybox:1.28", { name: "count", args: sh('i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done') });
    const b = behaviour(c);
    expect(b.runSeconds).toBe("forever");
    expect(b.logsContinue).toBe(true);
    const start = Date.UTC(2024, 4, 1, 10, 0, 0);
    expect(printedBetween(b, c, {}, start, 0, 2.5)).toEqual([
      { at: 0, text: "0: Wed May  1 10:00:00 UTC 2024" },
      { at: 1, text: "1: Wed May  1 10:00:01 UTC 2024" },
      { at: 2, text: "2: Wed May  1 10:00:02 UTC 2024" },
    ]);
    expect(printedBetween(b, c, {}, start, 100, 101).map((l) => l.text)).toEqual(["100: Wed May  1 10:01:40 UTC 2024", "101: Wed May  1 10:01:41 UTC 2024"]);
  });
});

describe("containerBehaviour: files, servers, load", () => {
  it("models the liveness example's file for exec probes", () => {
    const b = behaviour(container("registry.k8s.io/busybox", { args: sh("touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600") }));
    expect(b.files).toEqual([{ at: 0, path: "/tmp/healthy", exists: true, content: "" }, { at: 30, path: "/tmp/healthy", exists: false }]);
    expect(b.runSeconds).toBe(630);
  });

  it.each([
    { image: "nginx", listens: [80] },
    { image: "redis:7", listens: [6379] },
    { image: "mysql:8.0", listens: [3306, 33060] },
    { image: "registry.k8s.io/goproxy:0.1", listens: [8080] },
    { image: "busybox", listens: [] },
    { image: "example.com/app:1", listens: "declared" },
  ])("$image listens on $listens", ({ image, listens }) => {
    expect(behaviour(container(image)).listens).toEqual(listens);
  });

  it("the HPA walkthrough's load generator targets php-apache at 100 requests/s", () => {
    const b = behaviour(container("busybox:1.28", { args: sh("while sleep 0.01; do wget -q -O- http://php-apache; done") }));
    expect(b.loadTarget).toEqual({ service: "php-apache", requestsPerSecond: 100 });
    expect(b.runSeconds).toBe("forever");
  });

  it.each([
    { url: "http://php-apache", target: { service: "php-apache" } },
    { url: "http://web.shop", target: { service: "web", namespace: "shop" } },
    { url: "http://web.shop.svc.cluster.local:8080/x", target: { service: "web", namespace: "shop" } },
    { url: "http://10.0.0.1", target: undefined },
  ])("a request to $url targets $target", ({ url, target }) => {
    expect(serviceOf(url, "default")).toEqual(target);
  });

  it("curl in a loop is a load generator too", () => {
    const b = behaviour(container("curlimages/curl", { command: sh("while true; do curl -s http://web.default.svc.cluster.local; sleep 0.5; done") }));
    expect(b.loadTarget).toEqual({ service: "web", namespace: "default", requestsPerSecond: 2 });
  });

  it("stress holds the memory it is told to (the memory resources tutorial)", () => {
    const b = behaviour(container("polinux/stress", { command: ["stress"], args: ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"] }));
    expect(b.usage).toEqual({ memory: "150Mi" });
    expect(b.runSeconds).toBe("forever");
    expect(behaviour(container("vish/stress", { args: ["-cpus", "2"] })).usage).toEqual({ cpu: "2" });
  });

  it("waits on names that do not resolve yet, and ends once they do", () => {
    const c = container("busybox:1.28", { command: sh("until nslookup mydb; do echo waiting for mydb; sleep 2; done") });
    const waiting = containerBehaviour(c, {}, { namespace: "default" });
    expect(waiting.runSeconds).toBe("forever");
    expect(waiting.waitingFor).toEqual(["mydb"]);
    const resolved = containerBehaviour(c, {}, { namespace: "default", resolved: { mydb: { ip: "10.96.0.9", at: 5 } } });
    expect(resolved.runSeconds).toBe(6);
  });
});

describe("annotations override the behaviour", () => {
  const nginx = container("nginx:1.14.2", { name: "web" });
  it.each<{ annotations: Record<string, string>; field: string; value: unknown }>([
    { annotations: { "kubeflare.dev/run-seconds": "12" }, field: "runSeconds", value: 12 },
    { annotations: { "kubeflare.dev/run-seconds": "forever" }, field: "runSeconds", value: "forever" },
    { annotations: { "kubeflare.dev/exit-code": "7" }, field: "exitCode", value: 7 },
    { annotations: { "kubeflare.dev/ready": "false" }, field: "ready", value: false },
    { annotations: { "kubeflare.dev/healthy-seconds": "30" }, field: "healthySeconds", value: 30 },
    { annotations: { "kubeflare.dev/ignore-sigterm": "true" }, field: "ignoresSigterm", value: true },
    { annotations: { "kubeflare.dev/cpu": "250m" }, field: "usage", value: { cpu: "250m" } },
    { annotations: { "kubeflare.dev/web.exit-code": "9", "kubeflare.dev/exit-code": "1" }, field: "exitCode", value: 9 },
    { annotations: { "kubeflare.dev/other.exit-code": "9" }, field: "exitCode", value: 0 },
  ])("$annotations → $field = $value", ({ annotations, field, value }) => {
    expect(behaviour(nginx, annotations)[field as keyof ReturnType<typeof behaviour>]).toEqual(value);
  });

  it("image-pull fail/ok overrides the registry", () => {
    expect(behaviour(nginx, { "kubeflare.dev/image-pull": "fail" }).pull.ok).toBe(false);
    expect(behaviour(container("nginx:1.161"), { "kubeflare.dev/image-pull": "ok" }).pull.ok).toBe(true);
  });
});
