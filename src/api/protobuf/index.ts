/**
 * Protobuf request bodies (`Content-Type: application/vnd.kubernetes.protobuf`), which kubectl
 * 1.32+ sends for `create <generator>`, `autoscale`, `create token` and drain's pod DELETE, with no
 * JSON fallback (kubectl-compat.md §9). The body is the magic `k8s\0` and a runtime.Unknown:
 * {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3, contentType = 4}, where
 * raw is the object's own message. We decode it into the JSON object kubectl 1.31 would have sent.
 */
import { ApiError } from "../errors";
import { decodeMessage, hasMessage } from "./decode";
import { malformed, ProtoReader, WireType } from "./wire";

export interface DecodedBody {
  apiVersion: string;
  kind: string;
  /** The object as JSON, `kind` and `apiVersion` first. */
  object: Record<string, unknown>;
}

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

/** Package of the tables in schema.ts for each group/version we decode. */
const PACKAGE_OF_GROUP_VERSION: Readonly<Record<string, string>> = {
  v1: "core/v1",
  "apps/v1": "apps/v1",
  "batch/v1": "batch/v1",
  "autoscaling/v1": "autoscaling/v1",
  "autoscaling/v2": "autoscaling/v2",
  "policy/v1": "policy/v1",
  "authentication.k8s.io/v1": "authentication/v1",
  "authorization.k8s.io/v1": "authorization/v1",
  "networking.k8s.io/v1": "networking/v1",
  "rbac.authorization.k8s.io/v1": "rbac/v1",
  "scheduling.k8s.io/v1": "scheduling/v1",
  "storage.k8s.io/v1": "storage/v1",
  "discovery.k8s.io/v1": "discovery/v1",
  "events.k8s.io/v1": "events/v1",
  "coordination.k8s.io/v1": "coordination/v1",
  "meta.k8s.io/v1": "meta/v1",
};

/** Kinds a body may hold, per package; nested types (PodSpec, ...) are not bodies. */
const TOP_LEVEL_KINDS: Readonly<Record<string, readonly string[]>> = {
  "core/v1": ["Namespace", "Node", "Pod", "Service", "Endpoints", "Event", "ConfigMap", "Secret", "ServiceAccount", "PersistentVolume", "PersistentVolumeClaim", "ReplicationController", "Binding", "ResourceQuota", "LimitRange", "PodTemplate"],
  "apps/v1": ["ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"],
  "batch/v1": ["Job", "CronJob"],
  "autoscaling/v1": ["HorizontalPodAutoscaler", "Scale"],
  "autoscaling/v2": ["HorizontalPodAutoscaler"],
  "policy/v1": ["PodDisruptionBudget", "Eviction"],
  "authentication/v1": ["TokenRequest", "SelfSubjectReview"],
  "authorization/v1": ["SelfSubjectAccessReview", "SelfSubjectRulesReview"],
  "networking/v1": ["Ingress", "IngressClass", "NetworkPolicy"],
  "rbac/v1": ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
  "scheduling/v1": ["PriorityClass"],
  "storage/v1": ["StorageClass"],
  "discovery/v1": ["EndpointSlice"],
  "events/v1": ["Event"],
  "coordination/v1": ["Lease"],
  "meta/v1": ["DeleteOptions"],
};

/**
 * Decodes a protobuf request body. Malformed input is a 400 BadRequest; a kind we have no schema
 * for is a 415, so the client can resend as JSON. Never throws anything but an ApiError.
 */
export function decodeProtobufBody(bytes: Uint8Array): DecodedBody {
  try {
    return decode(bytes);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // Not expected (the reader checks every bound), but a body must never become a 500.
    throw malformed(error instanceof Error ? error.message : String(error));
  }
}

function decode(bytes: Uint8Array): DecodedBody {
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw malformed(`provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(" ")}]`);
  }
  const envelope = readUnknown(new ProtoReader(bytes, MAGIC.length));
  if (envelope.contentEncoding) throw malformed(`content encoding "${envelope.contentEncoding}" is not supported`);
  const { apiVersion, kind } = envelope;
  if (!kind) throw malformed("Object 'Kind' is missing in the protobuf envelope");
  if (!apiVersion) throw malformed("Object 'apiVersion' is missing in the protobuf envelope");
  const key = messageOf(apiVersion, kind);
  if (!key) {
    throw new ApiError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - no protobuf schema for kind "${kind}" in version "${apiVersion}"; accepted media types include: application/json, application/yaml`,
    );
  }
  const object = decodeMessage(key, envelope.raw);
  return { apiVersion, kind, object: { kind, apiVersion, ...object } };
}

/**
 * The message of a top-level kind. DeleteOptions is registered in every group-version upstream,
 * so client-go sends it as "v1" from the core client, as "apps/v1" from the apps client, and as
 * "meta.k8s.io/v1" from generic clients.
 */
function messageOf(apiVersion: string, kind: string): string | undefined {
  const pkg = Object.hasOwn(PACKAGE_OF_GROUP_VERSION, apiVersion) ? PACKAGE_OF_GROUP_VERSION[apiVersion] : undefined;
  if (!pkg) return undefined;
  if (kind === "DeleteOptions") return "meta/v1.DeleteOptions";
  const key = `${pkg}.${kind}`;
  return TOP_LEVEL_KINDS[pkg]?.includes(kind) && hasMessage(key) ? key : undefined;
}

interface Unknown {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
}

function readUnknown(reader: ProtoReader): Unknown {
  const out: Unknown = { apiVersion: "", kind: "", raw: new Uint8Array(0), contentEncoding: "" };
  while (!reader.done()) {
    const { field, wireType } = reader.tag();
    if (field >= 1 && field <= 4 && wireType !== WireType.LengthDelimited) {
      throw malformed(`wrong wire type ${wireType} for field ${field} of runtime.Unknown`);
    }
    switch (field) {
      case 1: {
        const typeMeta = new ProtoReader(reader.bytes());
        while (!typeMeta.done()) {
          const tag = typeMeta.tag();
          if ((tag.field === 1 || tag.field === 2) && tag.wireType !== WireType.LengthDelimited) {
            throw malformed(`wrong wire type ${tag.wireType} for field ${tag.field} of runtime.TypeMeta`);
          }
          if (tag.field === 1) out.apiVersion = typeMeta.string();
          else if (tag.field === 2) out.kind = typeMeta.string();
          else typeMeta.skip(tag.wireType);
        }
        break;
      }
      case 2:
        out.raw = reader.bytes();
        break;
      case 3:
        out.contentEncoding = reader.string();
        break;
      default:
        reader.skip(wireType); // contentType (4) is informational; unknown fields are skipped
    }
  }
  return out;
}
