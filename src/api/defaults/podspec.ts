/**
 * Pod spec defaulting shared by Pods and every pod template, as core/v1's SetDefaults_PodSpec,
 * SetDefaults_Container, SetDefaults_Volume, SetDefaults_Probe, SetDefaults_HTTPGetAction, the
 * volume sources' defaultMode, SetDefaults_ObjectFieldSelector and SetDefaults_ResourceList (round
 * up to millis, canonical form), plus the v1 conversion that mirrors serviceAccountName into the
 * deprecated serviceAccount.
 */
import type { Container, PodSpec, PodTemplateSpec, Probe, Volume } from "kubernetes-types/core/v1";
import { defaultResourceList } from "./quantities";
import { defaultPVCSpec } from "./storage";

type Json = Record<string, unknown>;

/** 0644, the default mode of secret, configMap, downwardAPI and projected volume files. */
const DEFAULT_FILE_MODE = 420;

const NAME_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const IMAGE_NAME = new RegExp(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
const IMAGE_TAG = /^[\w][\w.-]{0,127}$/;

/**
 * The tag parsers.ParseImageName finds: "latest" when neither tag nor digest is given, "" when there
 * is only a digest or the reference does not parse (upstream ignores the error).
 */
export function imageTag(image: string): string {
  const at = image.indexOf("@");
  const digest = at >= 0 ? image.slice(at + 1) : "";
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(":");
  const hasTag = colon > ref.lastIndexOf("/");
  const name = hasTag ? ref.slice(0, colon) : ref;
  const tag = hasTag ? ref.slice(colon + 1) : "";
  if (!IMAGE_NAME.test(name) || (hasTag && !IMAGE_TAG.test(tag)) || (at >= 0 && !/^[a-z0-9]+:[a-fA-F0-9]{32,}$/.test(digest))) return "";
  if (!tag && !digest) return "latest";
  return tag;
}

function defaultHTTPGet(handler: { httpGet?: Json } | undefined): void {
  const http = handler?.httpGet;
  if (!http) return;
  http.path ||= "/";
  http.scheme ||= "HTTP";
}

function defaultProbe(probe: Probe | undefined): void {
  if (!probe) return;
  probe.timeoutSeconds ||= 1;
  probe.periodSeconds ||= 10;
  probe.successThreshold ||= 1;
  probe.failureThreshold ||= 3;
  defaultHTTPGet(probe as { httpGet?: Json });
}

function defaultFieldRef(ref: { fieldRef?: { apiVersion?: string } } | undefined): void {
  if (ref?.fieldRef && !ref.fieldRef.apiVersion) ref.fieldRef.apiVersion = "v1";
}

/** SetDefaults_Container and the defaults of everything inside a container. */
function defaultContainer(c: Container): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image ?? "") === "latest" ? "Always" : "IfNotPresent";
  c.terminationMessagePath ||= "/dev/termination-log";
  c.terminationMessagePolicy ||= "File";
  for (const port of c.ports ?? []) port.protocol ||= "TCP";
  for (const env of c.env ?? []) defaultFieldRef(env.valueFrom);
  c.resources ??= {};
  defaultResourceList(c.resources.limits);
  defaultResourceList(c.resources.requests);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHTTPGet(c.lifecycle?.postStart as { httpGet?: Json } | undefined);
  defaultHTTPGet(c.lifecycle?.preStop as { httpGet?: Json } | undefined);
}

/** Every VolumeSource member; a volume with none of them becomes an emptyDir (SetDefaults_Volume). */
const VOLUME_SOURCES = [
  "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi", "glusterfs",
  "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap",
  "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos",
  "csi", "ephemeral", "image",
];

function defaultVolume(v: Volume): void {
  const source = v as unknown as Json;
  if (!VOLUME_SOURCES.some((k) => source[k] !== undefined && source[k] !== null)) v.emptyDir = {};
  for (const kind of ["secret", "configMap", "downwardAPI", "projected"] as const) {
    const src = v[kind] as { defaultMode?: number } | undefined;
    if (src && src.defaultMode === undefined) src.defaultMode = DEFAULT_FILE_MODE;
  }
  for (const item of v.downwardAPI?.items ?? []) defaultFieldRef(item);
  for (const source of v.projected?.sources ?? []) {
    for (const item of source.downwardAPI?.items ?? []) defaultFieldRef(item);
    if (source.serviceAccountToken && source.serviceAccountToken.expirationSeconds === undefined) {
      source.serviceAccountToken.expirationSeconds = 3600;
    }
  }
  if (v.hostPath && v.hostPath.type === undefined) v.hostPath.type = "";
  if (v.iscsi) v.iscsi.iscsiInterface ||= "default";
  if (v.rbd) {
    v.rbd.pool ||= "rbd";
    v.rbd.user ||= "admin";
    v.rbd.keyring ||= "/etc/ceph/keyring";
  }
  if (v.azureDisk) {
    v.azureDisk.cachingMode ??= "ReadWrite";
    v.azureDisk.kind ??= "Shared";
    v.azureDisk.fsType ??= "ext4";
    v.azureDisk.readOnly ??= false;
  }
  if (v.scaleIO) {
    v.scaleIO.storageMode ||= "ThinProvisioned";
    v.scaleIO.fsType ||= "xfs";
  }
  const claim = v.ephemeral?.volumeClaimTemplate;
  if (claim) defaultPVCSpec((claim.spec ??= {}));
}

/** SetDefaults_PodSpec with its volumes and containers, for Pods and templates alike. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ||= "ClusterFirst";
  spec.restartPolicy ||= "Always";
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= "default-scheduler";
  // v1 conversion: serviceAccount is a deprecated alias of serviceAccountName and is always mirrored.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  else delete spec.serviceAccount;
  for (const v of spec.volumes ?? []) defaultVolume(v);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c as Container);
  defaultResourceList(spec.overhead);
  // Pod-level resources (1.32+) are newer than kubernetes-types' PodSpec.
  const podResources = (spec as { resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> } }).resources;
  defaultResourceList(podResources?.limits);
  defaultResourceList(podResources?.requests);
}

/** A workload's pod template: the PodSpec defaults inside it (templates are structs upstream, so always present). */
export function defaultPodTemplate(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const t = template ?? {};
  defaultPodSpec((t.spec ??= {} as PodSpec));
  return t;
}
