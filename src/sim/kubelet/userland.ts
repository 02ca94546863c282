/**
 * What is inside an image, for a person who execs into it: which programs are on PATH, what `sh` is
 * (BusyBox ash, Debian's dash — with bash beside it — or nothing at all), the shell prompts, the image's
 * ENV and working directory, and the few files tutorials read (nginx's index.html, the bootcamp's
 * server.js, the HPA example's index.php).
 *
 * Families, as the images are built upstream:
 *   busybox                        BusyBox applets; `sh` is ash; no bash, no curl
 *   alpine, *:…-alpine             BusyBox + apk; nginx/httpd alpine variants add curl
 *   nginx, nginx-slim, node, php…  Debian: coreutils, dash as `sh`, bash; curl where the image installs it
 *   distroless, pause              nothing to run (exec fails in the runtime)
 *   anything else                  a Debian-like userland with curl and wget (a guess that lets tutorials work)
 */
import type { ImageRef } from "./images";

export type ShellKind = "ash" | "dash" | "bash";

export interface Userland {
  /** Programs on PATH (by name). */
  commands: Set<string>;
  /** BusyBox applets or GNU tools: error message styles. */
  flavour: "busybox" | "gnu";
  /** What /bin/sh is; undefined when the image has no shell. */
  sh?: ShellKind;
  env: [string, string][];
  workdir: string;
  /** Files the image ships that tutorials read. */
  files: Record<string, string>;
  dirs: string[];
}

const BUSYBOX = (
  "sh ash ls cat echo printf env printenv hostname date sleep touch rm rmdir mkdir mv cp ln pwd wget nslookup ping " +
  "ps top kill test [ true false seq head tail grep egrep fgrep wc tee sort uniq cut awk sed tr vi id whoami uname df du " +
  "free nc telnet find xargs basename dirname chmod chown stat which more less tar gzip gunzip md5sum sha256sum base64 " +
  "ip ifconfig netstat route traceroute watch yes expr timeout mount umount dmesg hexdump od diff sync arp nohup"
).split(" ");

const GNU = (
  "sh dash bash ls cat echo printf env printenv hostname date sleep touch rm rmdir mkdir mv cp ln pwd test [ true false " +
  "seq head tail grep egrep fgrep wc tee sort uniq cut awk sed tr id whoami uname df du find xargs basename dirname chmod " +
  "chown stat which more tar gzip gunzip md5sum sha256sum base64 expr timeout yes kill mount umount diff sync nohup " +
  "apt apt-get dpkg getent"
).split(" ");

const ROOT_BUSYBOX = ["/bin", "/dev", "/etc", "/home", "/lib", "/lib64", "/proc", "/root", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/sbin", "/var", "/var/run"];
const ROOT_ALPINE = ["/bin", "/dev", "/etc", "/home", "/lib", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/local", "/usr/local/bin", "/usr/sbin", "/usr/share", "/var", "/var/log", "/var/run"];
const ROOT_DEBIAN = ["/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/local", "/usr/local/bin", "/usr/sbin", "/usr/share", "/var", "/var/log", "/var/run"];

export const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** nginx's /usr/share/nginx/html/index.html, what `curl localhost` shows on a fresh nginx. */
export const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const NGINX_50X = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
`;

/** The Kubernetes Basics tutorial's app (kubernetes-bootcamp), as `cat server.js` shows it. */
const BOOTCAMP_SERVER_JS = `var http = require('http');
var requests=0;
var podname= process.env.HOSTNAME;
var startTime;
var host;
var handleRequest = function(request, response) {
  response.setHeader('Content-Type', 'text/plain');
  response.writeHead(200);
  response.write("Hello Kubernetes bootcamp! | Running on: ");
  response.write(host);
  response.end(" | v=1\\n");
  console.log("Running On:" ,host, "| Total Requests:", ++requests,"| App Uptime:", (new Date() - startTime)/1000 , "seconds", "| Log Time:",new Date());
}
var www = http.createServer(handleRequest);
www.listen(8080,function () {
    startTime = new Date();;
    host = process.env.HOSTNAME;
    console.log ("Kubernetes Bootcamp App Started At:",startTime, "| Running On: " ,host, "\\n" );
});
`;

/** The HorizontalPodAutoscaler walkthrough's php-apache page. */
const HPA_INDEX_PHP = `<?php
  $x = 0.0001;
  for ($i = 0; $i <= 1000000; $i++) {
    $x += sqrt($x);
  }
  echo "OK!";
?>
`;

export const NGINX_ROOT = "/usr/share/nginx/html";
export const HTTPD_ROOT = "/usr/local/apache2/htdocs";

const isNginx = (name: string) => name === "nginx" || /(^|\/)nginx-slim$/.test(name) || name === "registry.k8s.io/e2e-test-images/nginx" || name === "bitnami/nginx";
export const isBootcamp = (name: string) => /kubernetes-bootcamp$/.test(name);
export const isHpaExample = (name: string) => /(^|\/)hpa-example$/.test(name);
const isDistroless = (ref: ImageRef) => /distroless|(^|\/)pause$/.test(ref.shortName) || /^(static|base|nonroot)(-debian\d+)?$/.test(ref.tag ?? "") && /distroless/.test(ref.repository);

/** The userland of `ref` (see the file comment). */
export function userlandOf(ref: ImageRef): Userland {
  const name = ref.shortName;
  const tag = ref.tag ?? "";
  if (isDistroless(ref)) return { commands: new Set(), flavour: "gnu", env: [], workdir: "/", files: {}, dirs: ["/etc", "/tmp", "/var", "/dev", "/proc", "/sys"] };

  const busybox = /(^|\/)busybox$/.test(name);
  const alpine = name === "alpine" || /(^|-)alpine/.test(tag) || /(^|\/)(curl|agnhost)$/.test(name);
  const commands = new Set(busybox || alpine ? BUSYBOX : GNU);
  const land: Userland = {
    commands,
    flavour: busybox || alpine ? "busybox" : "gnu",
    sh: busybox || alpine ? "ash" : "dash",
    env: [],
    workdir: "/",
    files: {},
    dirs: busybox ? ROOT_BUSYBOX : alpine ? ROOT_ALPINE : ROOT_DEBIAN,
  };
  if (alpine) commands.add("apk");
  if (!busybox && !alpine) commands.add("bash");
  // Which images install curl (and wget) on top of their base.
  const withCurl = isNginx(name) || isBootcamp(name) || isHpaExample(name) || /^(node|python|php|golang|ruby|openjdk|perl|wordpress|buildpack-deps)$/.test(name)
    || /(^|\/)(curl|agnhost|netshoot|dnsutils|jessie-dnsutils)$/.test(name) || !KNOWN_BASES.has(name) && !busybox && !alpine;
  if (withCurl) commands.add("curl");
  if (/^(node|python|golang|ruby|openjdk|buildpack-deps)$/.test(name) || isBootcamp(name) || !KNOWN_BASES.has(name) && !busybox && !alpine && !isNginx(name)) commands.add("wget");
  if (/(^|\/)(dnsutils|jessie-dnsutils|netshoot)$/.test(name)) for (const tool of ["nslookup", "dig", "host", "ping"]) commands.add(tool);

  if (isNginx(name)) {
    const version = /^\d+\.\d+\.\d+/.exec(tag)?.[0] ?? "1.29.1";
    land.env = [["NGINX_VERSION", version], ["NJS_VERSION", "0.9.1"], ["NJS_RELEASE", "1~bookworm"], ["PKG_RELEASE", "1~bookworm"], ["DYNPKG_RELEASE", "1~bookworm"]];
    land.files = { [`${NGINX_ROOT}/index.html`]: NGINX_WELCOME, [`${NGINX_ROOT}/50x.html`]: NGINX_50X };
    land.dirs = [...land.dirs, "/docker-entrypoint.d", "/etc/nginx", "/etc/nginx/conf.d", "/usr/share/nginx", "/var/cache/nginx", "/var/log/nginx"];
    commands.add("nginx");
  } else if (name === "httpd") {
    land.env = [["HTTPD_PREFIX", "/usr/local/apache2"], ["HTTPD_VERSION", "2.4.65"]];
    land.workdir = "/usr/local/apache2";
    land.files = { [`${HTTPD_ROOT}/index.html`]: "<html><body><h1>It works!</h1></body></html>\n" };
    commands.add("httpd");
  } else if (isBootcamp(name)) {
    land.env = [["NPM_CONFIG_LOGLEVEL", "info"], ["NODE_VERSION", "6.3.1"]];
    land.files = { "/server.js": BOOTCAMP_SERVER_JS.replace("v=1", `v=${/^v(\d+)/.exec(tag)?.[1] ?? "1"}`) };
    for (const tool of ["node", "npm"]) commands.add(tool);
  } else if (isHpaExample(name)) {
    land.workdir = "/var/www/html";
    land.files = { "/var/www/html/index.php": HPA_INDEX_PHP };
    for (const tool of ["php", "apache2-foreground"]) commands.add(tool);
  } else if (name === "redis") {
    land.workdir = "/data";
    for (const tool of ["redis-cli", "redis-server"]) commands.add(tool);
  } else if (name === "postgres") {
    for (const tool of ["psql", "postgres", "pg_isready"]) commands.add(tool);
  } else if (name === "mysql" || name === "mariadb") {
    for (const tool of ["mysql", "mysqld", "mysqladmin"]) commands.add(tool);
  } else if (/^(node|python|perl|php|ruby|golang|openjdk)$/.test(name)) {
    const runtime = { node: ["node", "npm"], python: ["python", "python3", "pip"], perl: ["perl"], php: ["php"], ruby: ["ruby", "gem"], golang: ["go"], openjdk: ["java"] }[name]!;
    for (const tool of runtime) commands.add(tool);
  }
  if (/(^|\/)agnhost$/.test(name)) commands.add("agnhost");
  land.dirs = [...land.dirs, land.workdir];
  return land;
}

/** Library images whose contents are known well enough to say curl and wget are missing. */
const KNOWN_BASES = new Set(["nginx", "httpd", "redis", "postgres", "mysql", "mariadb", "mongo", "memcached", "rabbitmq", "debian", "ubuntu", "centos", "fedora", "haproxy", "traefik", "registry", "hello-world"]);

/** The prompt an interactive shell shows (root everywhere): ash `/ # `, bash `root@pod:/# `, dash `# `. */
export function prompt(shell: ShellKind, hostname: string, cwd: string): string {
  if (shell === "bash") return `root@${hostname}:${cwd === "/root" ? "~" : cwd}# `;
  if (shell === "ash") return `${cwd === "/root" ? "~" : cwd} # `;
  return "# ";
}

/** A shell's complaint about a missing command, as `kind` invoked as `arg0` prints it. */
export function notFoundMessage(kind: ShellKind, arg0: string, command: string, interactive: boolean, line: number): string {
  const missingPath = command.includes("/");
  switch (kind) {
    case "ash":
      return `${arg0}: ${command}: not found`;
    case "dash":
      return `${arg0}: ${line}: ${command}: not found`;
    case "bash":
      if (missingPath) return interactive ? `bash: ${command}: No such file or directory` : `bash: line ${line}: ${command}: No such file or directory`;
      return interactive ? `bash: ${command}: command not found` : `bash: line ${line}: ${command}: command not found`;
  }
}
