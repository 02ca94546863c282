/**
 * Image references and the simulated registry: how a reference normalizes (as containerd reports it
 * in containerStatuses[].image), its digest and size, and whether a pull can succeed.
 *
 * The pull rule, so tutorials with a deliberate typo fail as on a real cluster:
 * - Any image with a digest (`@sha256:…`), and any image outside the well-known set, pulls.
 * - A well-known Docker Hub library image (nginx, busybox, httpd, redis, postgres, mysql, alpine,
 *   ubuntu, debian, perl, node, python, php, golang…) pulls when its tag has a known shape:
 *   a vocabulary word (latest, stable, alpine, slim, bookworm, lts…), or a version `1`, `1.25`,
 *   `1.14.2` (optionally `v`-prefixed) whose major is one the image has published and whose minor
 *   is not past the newest release line — each optionally followed by `-suffix` parts
 *   (`1.25-alpine`, `3.12-slim-bookworm`). So `nginx:1.161` (the Deployment docs' typo) and
 *   `nginx:lates` fail with "not found".
 * - A Docker Hub library name one or two letters away from a well-known one (`ngnix`, `busyboxx`)
 *   fails with "pull access denied, repository does not exist".
 * - registry.k8s.io / k8s.gcr.io / gcr.io images pull when the tag is `latest` or version-shaped.
 * - A few tutorial images have their published tags listed exactly, so the basics tutorial's
 *   `kubernetes-bootcamp:v10` fails as it does there.
 * The pod annotations `kubeflare.dev/image-pull: fail|ok` override all of it (see behaviour.ts).
 */
import { hexId, unitHash } from "./hash";

export interface ImageRef {
  /** As written in the pod spec. */
  spec: string;
  /** Registry host, "docker.io" when none is given. */
  registry: string;
  /** Repository path inside the registry ("library/nginx", "e2e-test-images/agnhost"). */
  repository: string;
  tag?: string;
  digest?: string;
  /** As the runtime reports it: "docker.io/library/nginx:1.14.2". */
  normalized: string;
  /** The short name used to look up well-known images: "nginx", "registry.k8s.io/hpa-example". */
  shortName: string;
}

/** Parses a reference as the docker reference grammar does (normalization only, no validation). */
export function parseImage(spec: string): ImageRef {
  let rest = spec.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf("/");
  const first = slash < 0 ? "" : rest.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasRegistry ? first : "docker.io";
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (registry === "docker.io" && !repository.includes("/")) repository = `library/${repository}`;
  if (!tag && !digest) tag = "latest";
  const name = `${registry}/${repository}`;
  const normalized = digest ? `${name}@${digest}` : `${name}:${tag}`;
  const shortName = registry === "docker.io" ? repository.replace(/^library\//, "") : `${registry}/${repository}`;
  return { spec, registry, repository, tag, digest, normalized, shortName };
}

/** A repository's digest reference, as containerStatuses[].imageID shows it. */
export function imageID(ref: ImageRef): string {
  const name = `${ref.registry}/${ref.repository}`;
  return ref.digest ? `${name}@${ref.digest}` : `${name}@sha256:${hexId(`image:${ref.normalized}`)}`;
}

interface Release {
  /** Major versions the image has published, inclusive range. */
  majors: [number, number];
  /** Newest minor per major (missing: any two-digit minor). */
  newestMinor?: Record<number, number>;
  /** Approximate compressed size in bytes (for the Pulled event). */
  size: number;
}

/** Docker Hub library images the docs use, with their release lines (as of 2025). */
const LIBRARY: Record<string, Release> = {
  nginx: { majors: [1, 1], newestMinor: { 1: 29 }, size: 72_195_292 },
  busybox: { majors: [1, 1], newestMinor: { 1: 37 }, size: 2_156_780 },
  httpd: { majors: [2, 2], newestMinor: { 2: 4 }, size: 58_112_546 },
  redis: { majors: [2, 8], size: 45_384_532 },
  postgres: { majors: [8, 18], size: 153_284_930 },
  mysql: { majors: [5, 9], newestMinor: { 5: 7, 8: 4, 9: 5 }, size: 172_933_415 },
  mariadb: { majors: [5, 12], size: 123_501_622 },
  mongo: { majors: [3, 8], size: 271_893_611 },
  memcached: { majors: [1, 1], newestMinor: { 1: 6 }, size: 32_410_744 },
  rabbitmq: { majors: [3, 4], size: 98_341_282 },
  alpine: { majors: [2, 3], newestMinor: { 3: 22 }, size: 3_623_807 },
  ubuntu: { majors: [10, 26], size: 29_754_422 },
  debian: { majors: [6, 14], size: 48_494_272 },
  centos: { majors: [5, 8], size: 83_518_086 },
  fedora: { majors: [20, 43], size: 65_312_108 },
  perl: { majors: [5, 5], newestMinor: { 5: 42 }, size: 343_428_118 },
  node: { majors: [0, 25], size: 399_771_364 },
  python: { majors: [2, 3], newestMinor: { 2: 7, 3: 14 }, size: 381_904_327 },
  php: { majors: [5, 8], size: 187_611_924 },
  golang: { majors: [1, 1], newestMinor: { 1: 25 }, size: 301_622_113 },
  openjdk: { majors: [6, 26], size: 191_243_118 },
  ruby: { majors: [1, 3], size: 352_447_221 },
  wordpress: { majors: [3, 6], size: 262_312_667 },
  haproxy: { majors: [1, 3], size: 39_118_255 },
  traefik: { majors: [1, 3], size: 52_802_180 },
  registry: { majors: [2, 3], size: 9_812_522 },
  "hello-world": { majors: [0, 0], size: 9_233 },
};

/** Tag words that exist for library images on their own or as the first part of a tag. */
const TAG_WORDS = new Set([
  "latest", "stable", "mainline", "alpine", "slim", "perl", "otel", "lts", "current", "edge", "rolling",
  "bookworm", "bullseye", "buster", "stretch", "trixie", "jessie", "sid", "jammy", "focal", "noble", "bionic",
  "xenial", "oracular", "plucky", "musl", "glibc", "uclibc", "unstable", "oraclelinux", "oracle", "debian",
  "windowsservercore", "nanoserver", "management", "fpm", "apache", "cli", "zts", "iron", "jod", "hydrogen",
  "gallium", "fermium", "krypton", "rawhide", "testing", "experimental", "linux", "nightly",
]);

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/;

/** Whether `tag` names something a well-known library image has published (see the file comment). */
export function plausibleLibraryTag(release: Release, tag: string): boolean {
  const [head, ...suffix] = tag.toLowerCase().split("-");
  if (!suffix.every((part) => /^[a-z]+[0-9.]*$/.test(part) || /^\d+(\.\d+)*$/.test(part))) return false;
  if (TAG_WORDS.has(head)) return true;
  const match = VERSION.exec(head);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = match[2] === undefined ? undefined : Number(match[2]);
  const patch = match[3] === undefined ? undefined : Number(match[3]);
  if (major < release.majors[0] || major > release.majors[1]) return false;
  if (minor !== undefined && minor > (release.newestMinor?.[major] ?? 99)) return false;
  return patch === undefined || patch <= 99;
}

const K8S_REGISTRIES = new Set(["registry.k8s.io", "k8s.gcr.io", "gcr.io", "quay.io", "ghcr.io"]);

export type PullVerdict = { ok: true } | { ok: false; code: "NotFound" | "Unknown"; detail: string };

/** Tutorial images whose published tags are known exactly (registry/repository → tags). */
const PUBLISHED_TAGS: Record<string, string[]> = {
  "gcr.io/google-samples/kubernetes-bootcamp": ["v1", "v2"],
  "docker.io/jocatalin/kubernetes-bootcamp": ["v1", "v2"],
  "gcr.io/google-samples/hello-app": ["1.0", "2.0"],
  "us-docker.pkg.dev/google-samples/containers/gke/hello-app": ["1.0", "2.0"],
};

/** Whether pulling `ref` succeeds in the simulated registry (see the file comment). */
export function pullVerdict(ref: ImageRef): PullVerdict {
  if (ref.digest) return { ok: true };
  const tagged = `${ref.registry}/${ref.repository}:${ref.tag}`;
  const notFound: PullVerdict = { ok: false, code: "NotFound", detail: `${tagged}: not found` };
  const published = PUBLISHED_TAGS[`${ref.registry}/${ref.repository}`];
  if (published) return published.includes(ref.tag!) ? { ok: true } : notFound;
  if (ref.registry === "docker.io" && ref.repository.startsWith("library/")) {
    const release = LIBRARY[ref.shortName];
    if (release) return plausibleLibraryTag(release, ref.tag!) ? { ok: true } : notFound;
    const nearMiss = Object.keys(LIBRARY).some((known) => ref.shortName.length >= 4 && editDistance(known, ref.shortName) <= 2);
    if (nearMiss) {
      return {
        ok: false,
        code: "Unknown",
        detail: "pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed",
      };
    }
    return { ok: true };
  }
  if (K8S_REGISTRIES.has(ref.registry)) {
    const head = ref.tag!.split("-")[0];
    return head === "latest" || VERSION.test(head) || /^v?\d+(\.\d+)*[a-z0-9.]*$/i.test(head) ? { ok: true } : notFound;
  }
  return { ok: true };
}

/** containerd's error for a failed pull, as the kubelet reports it (v1.31 keeps the gRPC prefix). */
export function pullErrorMessage(ref: ImageRef, verdict: { code: string; detail: string }): string {
  const tagged = `${ref.registry}/${ref.repository}:${ref.tag}`;
  return `rpc error: code = ${verdict.code} desc = failed to pull and unpack image "${tagged}": failed to resolve reference "${tagged}": ${verdict.detail}`;
}

/** Compressed image size in bytes: the library table, else a stable figure between 5 and 250 MB. */
export function imageSize(ref: ImageRef): number {
  const base = LIBRARY[ref.shortName]?.size;
  const jitter = unitHash(ref.normalized);
  if (base !== undefined) return Math.round(base * (0.97 + 0.06 * jitter));
  return Math.round(5_000_000 + 245_000_000 * jitter);
}

/** Library images whose default command is a shell or an interpreter: with no stdin they exit 0 at once. */
export const SHELL_IMAGES = new Set([
  "busybox", "alpine", "ubuntu", "debian", "centos", "fedora", "perl", "node", "python", "golang", "ruby", "openjdk",
  "registry.k8s.io/busybox", "registry.k8s.io/e2e-test-images/busybox", "k8s.gcr.io/busybox", "gcr.io/google-containers/busybox",
  "curlimages/curl", "bitnami/kubectl", "registry.k8s.io/kubectl",
]);

/** Well-known server images and the ports they listen on when run with their default command. */
export const SERVER_PORTS: Record<string, number[]> = {
  nginx: [80],
  httpd: [80],
  redis: [6379],
  postgres: [5432],
  mysql: [3306, 33060],
  mariadb: [3306],
  mongo: [27017],
  memcached: [11211],
  rabbitmq: [5672, 15672],
  wordpress: [80],
  haproxy: [80],
  traefik: [80, 8080],
  registry: [5000],
  "registry.k8s.io/hpa-example": [80],
  "k8s.gcr.io/hpa-example": [80],
  "registry.k8s.io/goproxy": [8080],
  "k8s.gcr.io/goproxy": [8080],
  "registry.k8s.io/echoserver": [8080],
  "k8s.gcr.io/echoserver": [8080],
  "registry.k8s.io/nginx-slim": [80],
  "k8s.gcr.io/nginx-slim": [80],
  "registry.k8s.io/e2e-test-images/nginx": [80],
  "gcr.io/google-samples/hello-app": [8080],
  "gcr.io/google-samples/kubernetes-bootcamp": [8080],
  "jocatalin/kubernetes-bootcamp": [8080],
  "gcr.io/google-samples/node-hello": [8080],
  "us-docker.pkg.dev/google-samples/containers/gke/hello-app": [8080],
  "registry.k8s.io/pause": [],
};

/** Images whose entrypoint receives `args` (when `command` is not given). */
export const ENTRYPOINTS: Record<string, string[]> = {
  "registry.k8s.io/e2e-test-images/agnhost": ["/agnhost"],
  "k8s.gcr.io/e2e-test-images/agnhost": ["/agnhost"],
  "gcr.io/kubernetes-e2e-test-images/agnhost": ["/agnhost"],
  "curlimages/curl": ["curl"],
  "vish/stress": ["/stress"],
  "bitnami/kubectl": ["kubectl"],
};

/** php:*-apache images serve on port 80 like httpd. */
export function isPhpApache(ref: ImageRef): boolean {
  return ref.shortName === "php" && /apache/.test(ref.tag ?? "");
}
