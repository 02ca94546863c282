import { describe, expect, it } from "vitest";
import { changed, createErrors, cronJob, invalid, job, required, typeOf, unsupported, updateErrors } from "./fixtures";

const JOB = typeOf("Job", "batch");
const CRON = typeOf("CronJob", "batch");
const UID = "11111111-2222-3333-4444-555555555555";

describe("Job (ValidateJob)", () => {
  it.each([
    ["a valid job with its generated selector", job("pi"), []],
    ["restartPolicy Always", job("pi", { restartPolicy: "Always" }), [required("spec.template.spec.restartPolicy", 'valid values: "OnFailure", "Never"')]],
    ["an unknown restartPolicy (the pod spec and the job both object)", job("pi", { restartPolicy: "Sometimes" }), [
      unsupported("spec.template.spec.restartPolicy", '"Sometimes": supported values: "Always", "OnFailure", "Never"'),
      unsupported("spec.template.spec.restartPolicy", '"Sometimes": supported values: "OnFailure", "Never"'),
    ]],
    ["negative parallelism and backoffLimit", changed(job("pi"), (o) => { o.spec.parallelism = -2; o.spec.backoffLimit = -1; }), [
      invalid("spec.parallelism", "-2: must be greater than or equal to 0"),
      invalid("spec.backoffLimit", "-1: must be greater than or equal to 0"),
    ]],
    ["manualSelector without a selector", changed(job("pi"), (o) => { o.spec.manualSelector = true; }), [
      required("spec.selector"),
      invalid("spec.template.metadata.labels", "map[string]string(nil): `selector` does not match template `labels`"),
    ]],
    ["a selector of the user's own", changed(job("pi"), (o) => { o.spec.selector = { matchLabels: { app: "pi" } }; o.spec.template.metadata = { labels: { app: "pi" } }; }), [
      invalid("spec.selector", `v1.LabelSelector{MatchLabels:map[string]string{"app":"pi", "batch.kubernetes.io/controller-uid":"${UID}"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: \`selector\` not auto-generated`),
    ]],
    ["Indexed without completions", changed(job("pi"), (o) => { o.spec.completionMode = "Indexed"; o.spec.parallelism = 2; }), [
      required("spec.completions", "when completion mode is Indexed"),
    ]],
    ["backoffLimitPerIndex on a NonIndexed job", changed(job("pi"), (o) => { o.spec.backoffLimitPerIndex = 1; }), [
      invalid("spec.backoffLimitPerIndex", "1: requires indexed completion mode"),
    ]],
    ["an unknown pod failure action", changed(job("pi"), (o) => { o.spec.podFailurePolicy = { rules: [{ action: "Explode", onExitCodes: { operator: "In", values: [1] } }] }; }), [
      unsupported("spec.podFailurePolicy.rules[0].action", '"Explode": supported values: "Count", "FailIndex", "FailJob", "Ignore"'),
    ]],
    ["a pod failure rule without a condition", changed(job("pi"), (o) => { o.spec.podFailurePolicy = { rules: [{ action: "FailJob" }] }; }), [
      { reason: "FieldValueInvalid", message: "Invalid value: specifying one of OnExitCodes and OnPodConditions is required", field: "spec.podFailurePolicy.rules[0]" },
    ]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(JOB, obj)).toEqual(expected);
  });

  it.each([
    ["parallelism", (o: any) => { o.spec.parallelism = 3; }, []],
    ["suspend", (o: any) => { o.spec.suspend = true; }, []],
    ["completions", (o: any) => { o.spec.completions = 3; }, [invalid("spec.completions", "3: field is immutable")]],
  ])("update of %s", (_, edit, expected) => {
    expect(updateErrors(JOB, job("pi"), edit)).toEqual(expected);
  });

  it("keeps the pod template immutable", () => {
    const causes = updateErrors(JOB, job("pi"), (o) => { o.spec.template.spec.containers[0].image = "perl:5.36"; });
    expect(causes.map((c) => [c.reason, c.field])).toEqual([["FieldValueInvalid", "spec.template"]]);
    expect(causes[0].message).toMatch(/^Invalid value: \{.*"image":"perl:5.36".*\}: field is immutable$/);
  });

  it("lets a suspended, never-started job change its scheduling directives", () => {
    const suspended = changed(job("pi"), (o) => { o.spec.suspend = true; });
    expect(updateErrors(JOB, suspended, (o) => { o.spec.template.spec.nodeSelector = { zone: "a" }; })).toEqual([]);
  });
});

describe("CronJob (ValidateCronJobCreate / Update)", () => {
  it.each([
    ["a valid cron job", cronJob("hello"), []],
    ["no schedule", cronJob("hello", { schedule: "" }), [required("spec.schedule")]],
    ["CRON_TZ in the schedule", cronJob("hello", { schedule: "CRON_TZ=UTC 0 * * * *" }), [
      invalid("spec.schedule", '"CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'),
    ]],
    ["a 53-character name", cronJob("a".repeat(53)), [invalid("metadata.name", `"${"a".repeat(53)}": must be no more than 52 characters`)]],
    ["restartPolicy Always in the job template", cronJob("hello", { restartPolicy: "Always" }), [
      required("spec.jobTemplate.spec.template.spec.restartPolicy", 'valid values: "OnFailure", "Never"'),
    ]],
    ["an unknown concurrencyPolicy", changed(cronJob("hello"), (o) => { o.spec.concurrencyPolicy = "Sometimes"; }), [
      unsupported("spec.concurrencyPolicy", '"Sometimes": supported values: "Allow", "Forbid", "Replace"'),
    ]],
    ["a selector in the job template", changed(cronJob("hello"), (o) => { o.spec.jobTemplate.spec.selector = { matchLabels: { a: "b" } }; }), [
      invalid("spec.jobTemplate.spec.selector", 'v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated'),
    ]],
    ["timeZone Local", changed(cronJob("hello"), (o) => { o.spec.timeZone = "Local"; }), [
      invalid("spec.timeZone", '"Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'),
    ]],
    ["an empty timeZone", changed(cronJob("hello"), (o) => { o.spec.timeZone = ""; }), [invalid("spec.timeZone", '"": timeZone must be nil or non-empty string')]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(CRON, obj)).toEqual(expected);
  });

  it.each([
    ["a new schedule", (o: any) => { o.spec.schedule = "0 3 * * *"; }, []],
    ["a TZ added on update", (o: any) => { o.spec.schedule = "TZ=UTC 0 3 * * *"; }, [
      invalid("spec.schedule", '"TZ=UTC 0 3 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'),
    ]],
  ])("update: %s", (_, edit, expected) => {
    expect(updateErrors(CRON, cronJob("hello"), edit)).toEqual(expected);
  });

  it("tolerates a TZ kept from an old object, unless timeZone is also set", () => {
    const legacy = cronJob("hello", { schedule: "TZ=UTC 0 * * * *" });
    expect(updateErrors(CRON, legacy, (o) => { o.spec.suspend = true; })).toEqual([]);
    expect(updateErrors(CRON, legacy, (o) => { o.spec.timeZone = "Etc/UTC"; })).toEqual([
      invalid("spec.schedule", '"TZ=UTC 0 * * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule'),
    ]);
  });
});
