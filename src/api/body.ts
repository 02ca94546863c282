/**
 * Request bodies: JSON (also when no Content-Type is sent, as `kubectl scale --current-replicas`
 * does), YAML (so curl tutorials can post a manifest as is), and the patch media types. Protobuf is
 * recognised so that it gets a clear 415 rather than a parse error.
 */
import { parse as parseYaml } from "yaml";
import { badRequest, tooLarge, unsupportedMediaType } from "./errors";
import { decodeProtobufBody } from "./protobuf";

/** Upstream's apiserver limit for a request body. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

export async function readBody(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
  const type = mediaType(request.headers.get("content-type"));
  if (bytes.byteLength === 0) return undefined;
  if (type === "application/vnd.kubernetes.protobuf") return decodeProtobufBody(bytes).object;
  const text = new TextDecoder().decode(bytes);
  if (type === "application/yaml" || type === "application/apply-patch+yaml" || type === "application/x-yaml" || type === "text/yaml") {
    return parseYamlBody(text);
  }
  if (type === "" || type === "application/json" || type.endsWith("+json") || type === "*/*" || type === "text/plain") {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw badRequest(`error decoding request body: ${(e as Error).message}`);
    }
  }
  throw unsupportedMediaType(type);
}

function parseYamlBody(text: string): unknown {
  try {
    return parseYaml(text, { version: "1.2" });
  } catch (e) {
    throw badRequest(`error converting YAML to JSON: ${(e as Error).message.split("\n")[0]}`);
  }
}
