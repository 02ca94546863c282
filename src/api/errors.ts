/**
 * API errors as Kubernetes `Status` objects. Every failure a client can see is an ApiError, thrown
 * anywhere below the HTTP layer and rendered once (see `statusResponse`). Messages follow
 * k8s.io/apimachinery/pkg/api/errors so kubectl prints what users know.
 */

/** One entry of `details.causes`; `reason` is a CauseType such as FieldValueRequired. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Status {
    const status: Status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

/** `deployments.apps`, or just `pods` for the core group: how upstream names a resource in messages. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const notFound = (resource: string, group: string, name: string) =>
  new ApiError(404, "NotFound", `${qualifiedResource(resource, group)} "${name}" not found`, {
    name,
    group,
    kind: resource,
  });

export const alreadyExists = (resource: string, group: string, name: string) =>
  new ApiError(409, "AlreadyExists", `${qualifiedResource(resource, group)} "${name}" already exists`, {
    name,
    group,
    kind: resource,
  });

export const conflict = (resource: string, group: string, name: string, why: string) =>
  new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`,
    { name, group, kind: resource },
  );

export const STALE_OBJECT = "the object has been modified; please apply your changes to the latest version and try again";

/** 422 with one cause per field error: `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: ...`. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const summary = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const list = summary.length === 1 ? summary[0] : `[${summary.join(", ")}]`;
  return new ApiError(422, "Invalid", `${qualifiedKind} "${name}" is invalid: ${list}`, {
    name,
    group,
    kind,
    causes,
  });
}

export const badRequest = (message: string, causes?: StatusCause[]) =>
  new ApiError(400, "BadRequest", message, causes ? { causes } : undefined);

export const unauthorized = () => new ApiError(401, "Unauthorized", "Unauthorized");

export const forbidden = (message: string) => new ApiError(403, "Forbidden", message);

export const methodNotSupported = (resource: string, group: string, verb: string) =>
  new ApiError(405, "MethodNotAllowed", `${verb} is not supported on resources of kind "${qualifiedResource(resource, group)}"`, {
    group,
    kind: resource,
  });

export const gone = (message: string) => new ApiError(410, "Expired", message);

export const tooLarge = (limit: number) =>
  new ApiError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`);

export const unsupportedMediaType = (contentType: string) =>
  new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType})`);

export const internalError = (message: string) =>
  new ApiError(500, "InternalError", `Internal error occurred: ${message}`);

/** Renders any thrown value as a Status response; unknown errors become 500 InternalError. */
export function statusResponse(error: unknown): Response {
  const apiError = error instanceof ApiError ? error : internalError(error instanceof Error ? error.message : String(error));
  return Response.json(apiError.toStatus(), { status: apiError.code });
}
