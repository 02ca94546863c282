/**
 * batch/v1 Jobs and CronJobs, as batch validation's ValidateJob / ValidateJobUpdate (with the
 * strategy's options: prefixed labels required, scheduling directives mutable only while a job is
 * suspended and never started, elastic indexed jobs) and ValidateCronJobCreate / Update. Cron syntax
 * is not parsed here; only presence and the TZ rule.
 */
import type { CronJob, Job, JobSpec, PodFailurePolicyRule } from "kubernetes-types/batch/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { type Errors, GoLiteral, Path, duplicate, invalid, invalidOmitValue, nonNegative, notSupported, required, tooMany } from "./field";
import { goLabelSelector, goQuote, goStringMap, jsonValue } from "./govalue";
import { deepEqual, immutableField, selectorMatcher, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { isDNS1123Label, isQualifiedName, nameIsDNSSubdomain } from "./names";
import { validatePodTemplateSpec } from "./podspec";

const meta = Path.root("metadata");
const spec = Path.root("spec");

/** Go's %q of a []string: `["A" "B"]`. */
const goQuotedList = (values: string[]) => `[${values.map(goQuote).join(" ")}]`;

const POD_FAILURE_ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"];

interface JobOptions {
  requirePrefixedLabels: boolean;
  allowMutableSchedulingDirectives: boolean;
}

/** ValidateHasLabel for the generated template labels. */
function hasLabel(template: PodTemplateSpec | undefined, key: string, expected: string, path: Path): Errors {
  const labels = template?.metadata?.labels;
  if (!labels || !(key in labels)) return [required(path.child("labels").key(key), `must be '${expected}'`)];
  if (labels[key] !== expected) return [invalid(path.child("labels").key(key), goStringMap(labels), `must be '${expected}'`)];
  return [];
}

/** validateGeneratedSelector: unless manualSelector, the uid/name labels and selector must be the generated ones. */
function validateGeneratedSelector(job: Job, opts: JobOptions): Errors {
  const s = job.spec;
  if (!s || s.manualSelector || !s.selector) return [];
  const errs: Errors = [];
  const uid = job.metadata?.uid ?? "";
  const name = job.metadata?.name ?? "";
  if (!uid) errs.push(required(meta.child("uid")));
  const tp = spec.child("template", "metadata");
  errs.push(...hasLabel(s.template, "controller-uid", uid, tp));
  errs.push(...hasLabel(s.template, "job-name", name, tp));
  const expected: Record<string, string> = { "controller-uid": uid, "job-name": name };
  if (opts.requirePrefixedLabels) {
    errs.push(...hasLabel(s.template, "batch.kubernetes.io/controller-uid", uid, tp));
    errs.push(...hasLabel(s.template, "batch.kubernetes.io/job-name", name, tp));
    expected["batch.kubernetes.io/controller-uid"] = uid;
    expected["batch.kubernetes.io/job-name"] = name;
  }
  const matcher = selectorMatcher(s.selector);
  if (matcher && !matcher.matches(expected)) errs.push(invalid(spec.child("selector"), goLabelSelector(s.selector), "`selector` not auto-generated"));
  return errs;
}

function validatePodFailureRule(s: JobSpec, rule: PodFailurePolicyRule, path: Path, containerNames: Set<string>): Errors {
  const errs: Errors = [];
  const actionPath = path.child("action");
  if (!rule.action) errs.push(required(actionPath, `valid values: ${goQuotedList(POD_FAILURE_ACTIONS)}`));
  else if (rule.action === "FailIndex") {
    if (s.backoffLimitPerIndex === undefined || s.backoffLimitPerIndex === null) {
      errs.push(invalid(actionPath, rule.action, "requires the backoffLimitPerIndex to be set"));
    }
  } else if (!POD_FAILURE_ACTIONS.includes(rule.action)) errs.push(notSupported(actionPath, rule.action, POD_FAILURE_ACTIONS));
  const onExit = rule.onExitCodes;
  if (onExit) {
    const p = path.child("onExitCodes");
    if (!onExit.operator) errs.push(required(p.child("operator"), `valid values: ${goQuotedList(["In", "NotIn"])}`));
    else if (onExit.operator !== "In" && onExit.operator !== "NotIn") errs.push(notSupported(p.child("operator"), onExit.operator, ["In", "NotIn"]));
    if (onExit.containerName !== undefined && onExit.containerName !== null && !containerNames.has(onExit.containerName)) {
      errs.push(invalid(p.child("containerName"), onExit.containerName, "must be one of the container or initContainer names in the pod template"));
    }
    const values = onExit.values ?? [];
    const vp = p.child("values");
    if (values.length === 0) errs.push(invalid(vp, new GoLiteral("[]int32(nil)"), "at least one value is required"));
    else if (values.length > 255) errs.push(tooMany(vp, values.length, 255));
    const seen = new Set<number>();
    let ordered = true;
    values.forEach((v, j) => {
      if (onExit.operator === "In" && v === 0) errs.push(invalid(vp.index(j), v, "must not be 0 for the In operator"));
      if (seen.has(v)) errs.push(duplicate(vp.index(j), v));
      seen.add(v);
      if (j > 0 && values[j - 1] > v) ordered = false;
    });
    if (!ordered) errs.push(invalid(vp, new GoLiteral(`[]int32{${values.join(", ")}}`), "must be ordered"));
  }
  const conditions = rule.onPodConditions ?? [];
  if (conditions.length) {
    const p = path.child("onPodConditions");
    if (conditions.length > 20) errs.push(tooMany(p, conditions.length, 20));
    conditions.forEach((pattern, j) => {
      const pp = p.index(j);
      for (const msg of isQualifiedName(pattern.type ?? "")) errs.push(invalid(pp.child("type"), pattern.type ?? "", msg));
      const statuses = ["False", "True", "Unknown"];
      if (!pattern.status) errs.push(required(pp.child("status"), `valid values: ${goQuotedList(statuses)}`));
      else if (!statuses.includes(pattern.status)) errs.push(notSupported(pp.child("status"), pattern.status, statuses));
    });
  }
  if (onExit && conditions.length) errs.push(invalidOmitValue(path, "specifying both OnExitCodes and OnPodConditions is not supported"));
  if (!onExit && !conditions.length) errs.push(invalidOmitValue(path, "specifying one of OnExitCodes and OnPodConditions is required"));
  return errs;
}

/** validateJobSpec: the part shared with CronJob's jobTemplate. */
function validateJobSpecCommon(s: JobSpec, path: Path): Errors {
  const errs: Errors = [];
  for (const f of ["parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished", "backoffLimitPerIndex"] as const) {
    errs.push(...nonNegative(s[f], path.child(f)));
  }
  if (s.maxFailedIndexes !== undefined && s.maxFailedIndexes !== null) {
    errs.push(...nonNegative(s.maxFailedIndexes, path.child("maxFailedIndexes")));
    if (s.backoffLimitPerIndex === undefined || s.backoffLimitPerIndex === null) {
      errs.push(required(path.child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"));
    }
  }
  const indexed = s.completionMode === "Indexed";
  if (s.completionMode !== undefined && s.completionMode !== null) {
    if (s.completionMode !== "NonIndexed" && !indexed) errs.push(notSupported(path.child("completionMode"), s.completionMode, ["NonIndexed", "Indexed"]));
    if (indexed) {
      if (s.completions === undefined || s.completions === null) errs.push(required(path.child("completions"), "when completion mode is Indexed"));
      if ((s.parallelism ?? 0) > 100000) {
        errs.push(invalid(path.child("parallelism"), s.parallelism, "must be less than or equal to 100000 when completion mode is Indexed"));
      }
      if (typeof s.completions === "number" && typeof s.maxFailedIndexes === "number" && s.maxFailedIndexes > s.completions) {
        errs.push(invalid(path.child("maxFailedIndexes"), s.maxFailedIndexes, "must be less than or equal to completions"));
      }
    }
  }
  if (!indexed) {
    if (typeof s.backoffLimitPerIndex === "number") errs.push(invalid(path.child("backoffLimitPerIndex"), s.backoffLimitPerIndex, "requires indexed completion mode"));
    if (typeof s.maxFailedIndexes === "number") errs.push(invalid(path.child("maxFailedIndexes"), s.maxFailedIndexes, "requires indexed completion mode"));
  }
  if (s.podFailurePolicy) {
    const rules = s.podFailurePolicy.rules ?? [];
    const rp = path.child("podFailurePolicy", "rules");
    if (rules.length > 20) errs.push(tooMany(rp, rules.length, 20));
    const names = new Set([...(s.template?.spec?.containers ?? []), ...(s.template?.spec?.initContainers ?? [])].map((c) => c.name));
    rules.forEach((rule, i) => errs.push(...validatePodFailureRule(s, rule, rp.index(i), names)));
  }
  if (s.successPolicy && !indexed) errs.push(invalid(path.child("successPolicy"), jsonValue(s.successPolicy), "requires indexed completion mode"));
  if (s.podReplacementPolicy !== undefined && s.podReplacementPolicy !== null) {
    const allowed = s.podFailurePolicy ? ["Failed"] : ["Failed", "TerminatingOrFailed"];
    if (!allowed.includes(s.podReplacementPolicy)) errs.push(notSupported(path.child("podReplacementPolicy"), s.podReplacementPolicy, allowed));
  }
  const tp = path.child("template");
  errs.push(...validatePodTemplateSpec(s.template, tp));
  const restartPolicy = s.template?.spec?.restartPolicy ?? "";
  const rpPath = tp.child("spec", "restartPolicy");
  if (restartPolicy === "Always" || restartPolicy === "") errs.push(required(rpPath, 'valid values: "OnFailure", "Never"'));
  else if (restartPolicy !== "OnFailure" && restartPolicy !== "Never") errs.push(notSupported(rpPath, restartPolicy, ["OnFailure", "Never"]));
  else if (s.podFailurePolicy && restartPolicy !== "Never") errs.push(invalid(rpPath, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

/** ValidateJobSpec: plus the selector and its match with the template. */
function validateJobSpec(s: JobSpec, path: Path): Errors {
  const errs = validateJobSpecCommon(s, path);
  if (!s.selector) errs.push(required(path.child("selector")));
  else errs.push(...validateLabelSelector(s.selector, path.child("selector")));
  const matcher = selectorMatcher(s.selector);
  if (matcher && !matcher.matches(s.template?.metadata?.labels)) {
    errs.push(invalid(path.child("template", "metadata", "labels"), goStringMap(s.template?.metadata?.labels), "`selector` does not match template `labels`"));
  }
  return errs;
}

/** ValidateJob. */
function validateJobCreate(job: Job, opts: JobOptions): Errors {
  const errs = validateObjectMeta(job.metadata, nameIsDNSSubdomain, meta);
  errs.push(...validateGeneratedSelector(job, opts));
  const s = job.spec ?? ({} as JobSpec);
  errs.push(...validateJobSpec(s, spec));
  if (s.completionMode === "Indexed" && typeof s.completions === "number" && s.completions > 0) {
    const hostname = `${job.metadata?.name ?? ""}-${s.completions - 1}`;
    if (isDNS1123Label(hostname).length) {
      errs.push(invalid(meta.child("name"), job.metadata?.name ?? "", `will not able to create pod with invalid DNS label: ${hostname}`));
    }
  }
  return errs;
}

/** The template with the scheduling directives a suspended, never-started job may change copied from `next`. */
function schedulingDirectivesFrom(old: PodTemplateSpec | undefined, next: PodTemplateSpec | undefined): PodTemplateSpec | undefined {
  if (!old) return old;
  const affinity = next?.spec?.affinity
    ? { ...(old.spec?.affinity ?? {}), nodeAffinity: next.spec.affinity.nodeAffinity }
    : old.spec?.affinity && { ...old.spec.affinity, nodeAffinity: undefined };
  const hasOther = affinity && Object.entries(affinity).some(([, v]) => v !== undefined);
  return {
    ...old,
    metadata: { ...old.metadata, labels: next?.metadata?.labels, annotations: next?.metadata?.annotations },
    spec: {
      ...old.spec!,
      affinity: hasOther ? affinity : undefined,
      nodeSelector: next?.spec?.nodeSelector,
      tolerations: next?.spec?.tolerations,
      schedulingGates: next?.spec?.schedulingGates,
    },
  };
}

/** ValidateJob + ValidateJobUpdate, as the job strategy's ValidateUpdate runs both. */
export function validateJob(job: Job, old?: Job): Errors {
  if (!old) return validateJobCreate(job, { requirePrefixedLabels: true, allowMutableSchedulingDirectives: false });
  const oldLabels = old.spec?.template?.metadata?.labels ?? {};
  const opts: JobOptions = {
    requirePrefixedLabels: "batch.kubernetes.io/job-name" in oldLabels && "batch.kubernetes.io/controller-uid" in oldLabels,
    allowMutableSchedulingDirectives: old.spec?.suspend === true && !(old.status as { startTime?: string } | undefined)?.startTime,
  };
  const errs = validateJobCreate(job, opts);
  errs.push(...validateObjectMetaUpdate(job.metadata, old.metadata, meta));
  const s = job.spec ?? ({} as JobSpec);
  const o = old.spec ?? ({} as JobSpec);
  errs.push(...validateJobSpec(s, spec));
  if (s.completionMode === "Indexed") {
    if (!deepEqual(s.completions, o.completions) && typeof s.completions === "number" && s.completions !== s.parallelism) {
      errs.push(invalid(spec.child("completions"), s.completions, "can only be modified in tandem with spec.parallelism"));
    }
  } else {
    errs.push(...immutableField(s.completions, o.completions, spec.child("completions"), (v) => v ?? null));
  }
  errs.push(...immutableField(s.selector, o.selector, spec.child("selector"), (v) => goLabelSelector(v as LabelSelector)));
  const oldTemplate = opts.allowMutableSchedulingDirectives ? schedulingDirectivesFrom(o.template, s.template) : o.template;
  errs.push(...immutableField(s.template, oldTemplate, spec.child("template"), jsonValue));
  errs.push(...immutableField(s.completionMode, o.completionMode, spec.child("completionMode"), (v) => v ?? null));
  errs.push(...immutableField(s.podFailurePolicy, o.podFailurePolicy, spec.child("podFailurePolicy"), jsonValue));
  errs.push(...immutableField(s.backoffLimitPerIndex, o.backoffLimitPerIndex, spec.child("backoffLimitPerIndex"), (v) => v ?? null));
  errs.push(...immutableField(s.managedBy, o.managedBy, spec.child("managedBy"), (v) => v ?? null));
  errs.push(...immutableField(s.successPolicy, o.successPolicy, spec.child("successPolicy"), jsonValue));
  return errs;
}

const TIME_ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** validateTimeZone, without the tz database lookup (any well-formed IANA-style name passes). */
function validateTimeZone(tz: string | undefined | null, path: Path): Errors {
  if (tz === undefined || tz === null) return [];
  if (tz === "") return [invalid(path, tz, "timeZone must be nil or non-empty string")];
  for (const part of tz.split("/")) {
    if (part === "." || part === ".." || part.startsWith("-") || !TIME_ZONE_PART.test(part)) return [invalid(path, tz, `unknown time zone ${tz}`)];
  }
  if (tz.toLowerCase() === "local") return [invalid(path, tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")];
  return [];
}

/** validateCronJobSpec. */
function validateCronJobSpec(s: NonNullable<CronJob["spec"]>, old: CronJob["spec"] | undefined): Errors {
  const errs: Errors = [];
  const schedulePath = spec.child("schedule");
  if (!s.schedule) errs.push(required(schedulePath));
  else {
    const allowTZ = (old?.schedule ?? "").includes("TZ");
    if (allowTZ && s.schedule.includes("TZ") && s.timeZone !== undefined && s.timeZone !== null) {
      errs.push(invalid(schedulePath, s.schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
    } else if (!allowTZ && s.schedule.includes("TZ")) {
      errs.push(invalid(schedulePath, s.schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
    }
  }
  errs.push(...nonNegative(s.startingDeadlineSeconds, spec.child("startingDeadlineSeconds")));
  if (!old || old.timeZone !== s.timeZone) errs.push(...validateTimeZone(s.timeZone, spec.child("timeZone")));
  const policy = s.concurrencyPolicy ?? "";
  if (!policy) errs.push(required(spec.child("concurrencyPolicy")));
  else if (!["Allow", "Forbid", "Replace"].includes(policy)) errs.push(notSupported(spec.child("concurrencyPolicy"), policy, ["Allow", "Forbid", "Replace"]));
  const jt = spec.child("jobTemplate");
  const jobSpec = s.jobTemplate?.spec ?? ({} as JobSpec);
  errs.push(...validateJobSpecCommon(jobSpec, jt.child("spec")));
  if (jobSpec.selector) errs.push(invalid(jt.child("spec", "selector"), goLabelSelector(jobSpec.selector), "`selector` will be auto-generated"));
  if (jobSpec.manualSelector) errs.push(notSupported(jt.child("spec", "manualSelector"), true, ["nil", "false"]));
  errs.push(...nonNegative(s.successfulJobsHistoryLimit, spec.child("successfulJobsHistoryLimit")));
  errs.push(...nonNegative(s.failedJobsHistoryLimit, spec.child("failedJobsHistoryLimit")));
  return errs;
}

/** ValidateCronJobCreate / ValidateCronJobUpdate (names ≤ 52 characters on create, for the job suffix). */
export function validateCronJob(cj: CronJob, old?: CronJob): Errors {
  const errs = old ? validateObjectMetaUpdate(cj.metadata, old.metadata, meta) : validateObjectMeta(cj.metadata, nameIsDNSSubdomain, meta);
  errs.push(...validateCronJobSpec(cj.spec ?? ({} as NonNullable<CronJob["spec"]>), old?.spec));
  const name = cj.metadata?.name ?? "";
  if (!old && name.length > 52) errs.push(invalid(meta.child("name"), name, "must be no more than 52 characters"));
  return errs;
}
