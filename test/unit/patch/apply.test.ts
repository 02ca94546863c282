import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/api/errors";
import { applyServerSide, updateManagedFields } from "../../../src/api/patch";
import type { KObject } from "../../../src/api/types";
import { deepFreeze, deployment, edited } from "./fixtures";

const NOW = "2026-03-01T10:00:00Z";
const LATER = "2026-03-01T11:00:00Z";

const apply = (current: KObject | undefined, config: KObject, fieldManager = "kubectl", opts: { force?: boolean; now?: string } = {}) =>
  deepFreeze(applyServerSide(current, config, { fieldManager, force: opts.force ?? false, now: opts.now ?? NOW }));

/** What `kubectl apply --server-side -f web.yaml` sends. */
function config(opts: { replicas?: number; image?: string; sidecar?: boolean; labels?: Record<string, string> } = {}): KObject {
  const containers: unknown[] = [{ name: "nginx", image: opts.image ?? "nginx:1.25", ports: [{ containerPort: 80 }] }];
  if (opts.sidecar) containers.push({ name: "log", image: "busybox" });
  return deepFreeze({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: opts.labels ?? { app: "web" } },
    spec: {
      ...(opts.replicas === undefined ? {} : { replicas: opts.replicas }),
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers } },
    },
  });
}

const managers = (obj: KObject) => (obj.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}`);
const fieldsOf = (obj: KObject, manager: string) => obj.metadata.managedFields?.find((e) => e.manager === manager)?.fieldsV1 as any;
const tmpl = (d: any) => d.spec.template.spec;

function statusOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return (e as ApiError).toStatus();
  }
  throw new Error("expected an ApiError");
}

describe("applyServerSide", () => {
  it("create: the applied config plus one Apply entry in FieldsV1 form", () => {
    const created = apply(undefined, config({ replicas: 2 }));
    const { managedFields, ...metadata } = created.metadata;
    expect({ ...created, metadata }).toEqual(config({ replicas: 2 }));
    expect(managedFields).toEqual([{
      manager: "kubectl",
      operation: "Apply",
      apiVersion: "apps/v1",
      time: NOW,
      fieldsType: "FieldsV1",
      fieldsV1: {
        "f:metadata": { "f:labels": { "f:app": {} } },
        "f:spec": {
          "f:replicas": {},
          "f:selector": { "f:matchLabels": { "f:app": {} } },
          "f:template": {
            "f:metadata": { "f:labels": { "f:app": {} } },
            "f:spec": {
              "f:containers": {
                'k:{"name":"nginx"}': {
                  ".": {}, "f:image": {}, "f:name": {},
                  "f:ports": { 'k:{"containerPort":80}': { ".": {}, "f:containerPort": {} } },
                },
              },
            },
          },
        },
      },
    }]);
  });

  it("update by the same manager: new values, same ownership, new time", () => {
    const v1 = apply(undefined, config({ replicas: 2 }));
    const v2 = apply(v1, config({ replicas: 3, image: "nginx:1.27" }), "kubectl", { now: LATER });
    expect(v2.spec).toMatchObject({ replicas: 3 });
    expect(tmpl(v2).containers).toEqual([{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }] }]);
    expect(v2.metadata.managedFields).toEqual([{ ...v1.metadata.managedFields![0], time: LATER }]);
  });

  it("re-applying an unchanged config changes nothing, not even the time (no new resourceVersion)", () => {
    const v1 = apply(undefined, config({ replicas: 2 }));
    expect(apply(v1, config({ replicas: 2 }), "kubectl", { now: LATER })).toEqual(v1);
  });

  it("removes fields the manager applied before and left out now", () => {
    const v1 = apply(undefined, config({ replicas: 2, sidecar: true, labels: { app: "web", tier: "fe" } }));
    const v2 = apply(v1, config({ replicas: 2 }), "kubectl", { now: LATER });
    expect(v2.metadata.labels).toEqual({ app: "web" });
    expect(tmpl(v2).containers.map((c: any) => c.name)).toEqual(["nginx"]);
    expect(fieldsOf(v2, "kubectl")).toEqual(fieldsOf(apply(undefined, config({ replicas: 2 })), "kubectl"));
  });

  it("keeps a dropped field that another manager also owns", () => {
    const v1 = apply(undefined, config({ labels: { app: "web", tier: "fe" } }));
    const shared = apply(v1, deepFreeze({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { tier: "fe" } } }), "ci");
    const v2 = apply(shared, config(), "kubectl", { now: LATER });
    expect(v2.metadata.labels).toEqual({ app: "web", tier: "fe" });
    expect(fieldsOf(v2, "ci")).toEqual({ "f:metadata": { "f:labels": { "f:tier": {} } } });
  });

  it("kubectl-last-applied: a second apply with only the annotation leaves the spec alone", () => {
    const v1 = apply(undefined, config({ replicas: 2 }));
    const annotation = { "kubectl.kubernetes.io/last-applied-configuration": '{"kind":"Deployment"}\n' };
    const v2 = apply(v1, deepFreeze({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default", annotations: annotation } }), "kubectl-last-applied");
    expect(v2).toEqual(edited(v1, (d) => {
      d.metadata.annotations = annotation;
      d.metadata.managedFields.push({
        manager: "kubectl-last-applied", operation: "Apply", apiVersion: "apps/v1", time: NOW, fieldsType: "FieldsV1",
        fieldsV1: { "f:metadata": { "f:annotations": { "f:kubectl.kubernetes.io/last-applied-configuration": {} } } },
      });
    }));
  });

  it("a partial config never removes fields nobody applied (object created by POST)", () => {
    const posted = deployment("web", { replicas: 2 });
    const v1 = apply(posted, deepFreeze({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 5 } }));
    expect(v1).toEqual(edited(posted, (d) => {
      d.spec.replicas = 5;
      d.metadata.managedFields = [{ manager: "kubectl", operation: "Apply", apiVersion: "apps/v1", time: NOW, fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } } }];
    }));
    // The manager drops replicas: only what it owned goes.
    const v2 = apply(v1, deepFreeze({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { app: "web" } } }), "kubectl", { now: LATER });
    expect(v2).toEqual(edited(posted, (d) => {
      delete d.spec.replicas;
      d.metadata.managedFields = [{ manager: "kubectl", operation: "Apply", apiVersion: "apps/v1", time: LATER, fieldsType: "FieldsV1", fieldsV1: { "f:metadata": { "f:labels": { "f:app": {} } } } }];
    }));
  });

  it("conflict: another applier owns the field with a different value", () => {
    const v1 = apply(undefined, config({ replicas: 2 }), "a");
    expect(statusOf(() => apply(v1, config({ replicas: 3 }), "b"))).toEqual({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 409, reason: "Conflict",
      message: 'Apply failed with 1 conflict: conflict with "a": .spec.replicas',
      details: { causes: [{ reason: "FieldManagerConflict", message: 'conflict with "a"', field: ".spec.replicas" }] },
    });
  });

  it("the same value is shared ownership, not a conflict", () => {
    const v1 = apply(undefined, config({ replicas: 2 }), "a");
    const v2 = apply(v1, config({ replicas: 2 }), "b");
    expect(managers(v2)).toEqual(["a/Apply", "b/Apply"]);
    expect(fieldsOf(v2, "a")).toEqual(fieldsOf(v2, "b"));
  });

  it("force: the applier takes the conflicting field over", () => {
    const v1 = apply(undefined, config({ replicas: 2 }), "a");
    const v2 = apply(v1, config({ replicas: 3 }), "b", { force: true });
    expect(v2.spec).toMatchObject({ replicas: 3 });
    expect(fieldsOf(v2, "a")["f:spec"]).not.toHaveProperty("f:replicas");
    expect(fieldsOf(v2, "b")["f:spec"]).toHaveProperty("f:replicas");
  });

  it("force: a manager left with no fields disappears", () => {
    const v1 = apply(undefined, deepFreeze({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 2 } }), "hpa-ish");
    const v2 = apply(v1, config({ replicas: 4 }), "kubectl", { force: true });
    expect(managers(v2)).toEqual(["kubectl/Apply"]);
  });

  it("a conflict inside a keyed list names the element", () => {
    const v1 = apply(undefined, config(), "a");
    const status = statusOf(() => apply(v1, config({ image: "nginx:1.27" }), "b"));
    expect(status.message).toBe('Apply failed with 1 conflict: conflict with "a": .spec.template.spec.containers[name="nginx"].image');
  });

  it("several conflicts are listed per manager", () => {
    const v1 = apply(undefined, config({ replicas: 2 }), "a");
    const status = statusOf(() => apply(v1, config({ replicas: 3, image: "nginx:1.27" }), "b"));
    expect(status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
    expect(status.details?.causes).toHaveLength(2);
  });

  it("a conflict with an updater (recorded by updateManagedFields) names its apiVersion", () => {
    const v1 = apply(undefined, config({ replicas: 2 }));
    const scaled = deepFreeze(updateManagedFields(v1, edited(v1, (d) => (d.spec.replicas = 5)), { fieldManager: "kubectl-scale", now: LATER }));
    expect(statusOf(() => apply(scaled, config({ replicas: 2 }))).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas',
    );
  });

  it("nulls in the config set nothing", () => {
    const withNulls = deepFreeze(edited(config(), (c) => {
      c.metadata.creationTimestamp = null;
      c.spec.template.metadata.creationTimestamp = null;
      c.status = null;
    }));
    expect(apply(undefined, withNulls)).toEqual(apply(undefined, config()));
  });

  it("400 when the config carries managedFields", () => {
    const bad = deepFreeze(edited(config(), (c) => (c.metadata.managedFields = [{ manager: "x" }])));
    expect(statusOf(() => apply(undefined, bad))).toMatchObject({ code: 400, reason: "BadRequest", message: "metadata.managedFields must be nil" });
  });
});

describe("updateManagedFields", () => {
  const created = deepFreeze(updateManagedFields(undefined, deployment("web"), { fieldManager: "kubectl-create", now: NOW }));

  it("create: the writer owns every field it sent", () => {
    expect(created.metadata.managedFields).toHaveLength(1);
    expect(created.metadata.managedFields![0]).toMatchObject({ manager: "kubectl-create", operation: "Update", apiVersion: "apps/v1", time: NOW, fieldsType: "FieldsV1" });
    expect(fieldsOf(created, "kubectl-create")["f:spec"]).toMatchObject({ "f:replicas": {}, "f:strategy": { "f:type": {} } });
  });

  it("update: only the changed field moves to the writer", () => {
    const scaled = updateManagedFields(created, edited(created, (d) => (d.spec.replicas = 4)), { fieldManager: "kubectl-scale", now: LATER });
    expect(managers(scaled)).toEqual(["kubectl-create/Update", "kubectl-scale/Update"]);
    expect(fieldsOf(scaled, "kubectl-scale")).toEqual({ "f:spec": { "f:replicas": {} } });
    expect(fieldsOf(scaled, "kubectl-create")["f:spec"]).not.toHaveProperty("f:replicas");
  });

  it("a field that disappears leaves every set; an unchanged write records nothing", () => {
    const unpaused = updateManagedFields(created, edited(created, (d) => delete d.spec.strategy.rollingUpdate), { fieldManager: "kubectl-patch", now: LATER });
    expect(managers(unpaused)).toEqual(["kubectl-create/Update"]);
    expect(fieldsOf(unpaused, "kubectl-create")["f:spec"]["f:strategy"]).toEqual({ "f:type": {} });
    expect(updateManagedFields(created, created, { fieldManager: "kubectl-patch", now: LATER })).toEqual(created);
  });

  it("managedFields sent by the client replace the stored ones; an empty list does not", () => {
    const migrated = [{ manager: "kubectl", operation: "Apply", apiVersion: "apps/v1", time: NOW, fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } } }];
    const sent = updateManagedFields(created, edited(created, (d) => (d.metadata.managedFields = migrated)), { fieldManager: "kubectl", now: LATER });
    expect(sent.metadata.managedFields).toEqual(migrated);
    const emptied = updateManagedFields(created, edited(created, (d) => (d.metadata.managedFields = [])), { fieldManager: "kubectl", now: LATER });
    expect(emptied.metadata.managedFields).toEqual(created.metadata.managedFields);
  });
});
