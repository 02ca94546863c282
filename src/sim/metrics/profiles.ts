/**
 * What a container costs, by image, as data: its idle CPU and memory and the CPU one request per
 * second costs it. Numbers are what `kubectl top` shows for these images on a small real cluster,
 * rounded; the one that matters for the docs is registry.k8s.io/hpa-example, calibrated so the HPA
 * walkthrough tells the same story here:
 *
 *   one `while sleep 0.01; do wget -q -O- http://php-apache; done` generator = 100 requests/s
 *   100 rps × 6.1m = 610m of demand: 305% of a 200m request (the docs' figure), throttled to the
 *   500m limit on one pod → 250%; spread over 4 pods 153m each → 76% → 7 replicas → 44%, steady.
 */
import { isPhpApache, parseImage, SHELL_IMAGES } from "../kubelet/images";

const Mi = 1024 * 1024;

export interface ImageProfile {
  /** Idle CPU, millicores. */
  cpu: number;
  /** Resident memory, bytes. */
  memory: number;
  /** Millicores one request per second costs the serving container. */
  cpuPerRps: number;
}

const PROFILES: Record<string, ImageProfile> = {
  nginx: { cpu: 1, memory: 3 * Mi, cpuPerRps: 0.05 },
  "registry.k8s.io/nginx-slim": { cpu: 1, memory: 3 * Mi, cpuPerRps: 0.05 },
  "k8s.gcr.io/nginx-slim": { cpu: 1, memory: 3 * Mi, cpuPerRps: 0.05 },
  "registry.k8s.io/e2e-test-images/nginx": { cpu: 1, memory: 3 * Mi, cpuPerRps: 0.05 },
  httpd: { cpu: 1, memory: 6 * Mi, cpuPerRps: 0.1 },
  haproxy: { cpu: 1, memory: 5 * Mi, cpuPerRps: 0.05 },
  traefik: { cpu: 2, memory: 30 * Mi, cpuPerRps: 0.1 },
  redis: { cpu: 2, memory: 3 * Mi, cpuPerRps: 0.02 },
  memcached: { cpu: 1, memory: 2 * Mi, cpuPerRps: 0.02 },
  postgres: { cpu: 3, memory: 30 * Mi, cpuPerRps: 0.5 },
  mysql: { cpu: 5, memory: 360 * Mi, cpuPerRps: 0.5 },
  mariadb: { cpu: 3, memory: 90 * Mi, cpuPerRps: 0.5 },
  mongo: { cpu: 6, memory: 80 * Mi, cpuPerRps: 0.5 },
  rabbitmq: { cpu: 10, memory: 110 * Mi, cpuPerRps: 0.2 },
  wordpress: { cpu: 1, memory: 25 * Mi, cpuPerRps: 3 },
  registry: { cpu: 1, memory: 8 * Mi, cpuPerRps: 0.2 },
  // The docs' php-apache: each request runs a CPU-heavy loop (index.php sums square roots).
  "registry.k8s.io/hpa-example": { cpu: 1, memory: 9 * Mi, cpuPerRps: 6.1 },
  "k8s.gcr.io/hpa-example": { cpu: 1, memory: 9 * Mi, cpuPerRps: 6.1 },
  "registry.k8s.io/echoserver": { cpu: 1, memory: 4 * Mi, cpuPerRps: 0.1 },
  "k8s.gcr.io/echoserver": { cpu: 1, memory: 4 * Mi, cpuPerRps: 0.1 },
  "registry.k8s.io/e2e-test-images/agnhost": { cpu: 1, memory: 8 * Mi, cpuPerRps: 0.1 },
  "gcr.io/google-samples/hello-app": { cpu: 1, memory: 5 * Mi, cpuPerRps: 0.1 },
  "us-docker.pkg.dev/google-samples/containers/gke/hello-app": { cpu: 1, memory: 5 * Mi, cpuPerRps: 0.1 },
  "registry.k8s.io/pause": { cpu: 0, memory: Mi / 2, cpuPerRps: 0 },
};

const PHP_APACHE: ImageProfile = { cpu: 1, memory: 12 * Mi, cpuPerRps: 1 };
/** A shell or base image: `sleep` costs nothing measurable; a shell holds about a mebibyte. */
const SHELL: ImageProfile = { cpu: 0, memory: Mi, cpuPerRps: 0.2 };
const UNKNOWN: ImageProfile = { cpu: 1, memory: 8 * Mi, cpuPerRps: 0.2 };

/** Millicores a wget/curl loop spends per request it sends (100 rps ≈ 3m, as busybox shows). */
export const CLIENT_CPU_PER_RPS = 0.03;

/** The usage profile of an image reference ("nginx:1.25", "registry.k8s.io/hpa-example"). */
export function imageProfile(image: string): ImageProfile {
  const ref = parseImage(image);
  const known = PROFILES[ref.shortName];
  if (known) return known;
  if (isPhpApache(ref)) return PHP_APACHE;
  if (SHELL_IMAGES.has(ref.shortName) || /(^|\/)busybox$/.test(ref.shortName)) return SHELL;
  return UNKNOWN;
}
