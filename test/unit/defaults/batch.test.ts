import { describe, expect, it } from "vitest";
import { changed, created, cronJob, job, stored, typeOf } from "../validation/fixtures";
import { applyDefaults } from "../../../src/api/defaults";

const JOB = typeOf("Job", "batch");
const UID = "11111111-2222-3333-4444-555555555555";

describe("Job defaults (SetDefaults_Job and generateSelector)", () => {
  it.each([
    ["neither completions nor parallelism", {}, { completions: 1, parallelism: 1 }],
    ["only completions", { completions: 5 }, { completions: 5, parallelism: 1 }],
    ["only parallelism (a work queue: completions stays unset)", { parallelism: 3 }, { parallelism: 3 }],
  ])("%s", (_, given, expected) => {
    const spec = created(JOB, job("pi", given)).spec;
    expect({ completions: spec.completions, parallelism: spec.parallelism }).toEqual({ completions: undefined, ...expected });
  });

  it("fills the rest as a 1.33 cluster does", () => {
    const j = created(JOB, job("pi"));
    const { template, ...spec } = j.spec;
    expect(spec).toEqual({
      completions: 1, parallelism: 1, backoffLimit: 6, completionMode: "NonIndexed", suspend: false,
      podReplacementPolicy: "TerminatingOrFailed", manualSelector: false,
      selector: { matchLabels: { "batch.kubernetes.io/controller-uid": UID } },
    });
    const labels = { "batch.kubernetes.io/controller-uid": UID, "batch.kubernetes.io/job-name": "pi", "controller-uid": UID, "job-name": "pi" };
    expect(template.metadata.labels).toEqual(labels);
    expect(j.metadata.labels).toEqual(labels);
    expect(template.spec).toMatchObject({ restartPolicy: "Never", dnsPolicy: "ClusterFirst", terminationGracePeriodSeconds: 30 });
  });

  it.each([
    ["backoffLimitPerIndex", (o: any) => { o.spec.completionMode = "Indexed"; o.spec.completions = 3; o.spec.backoffLimitPerIndex = 1; }, { backoffLimit: 2147483647 }],
    ["a podFailurePolicy", (o: any) => { o.spec.podFailurePolicy = { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget" }] }] }; }, {
      podReplacementPolicy: "Failed",
      podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }] },
    }],
  ])("with %s", (_, edit, expected) => {
    expect(created(JOB, changed(job("pi"), edit)).spec).toMatchObject(expected);
  });

  it("keeps labels the user set and generates nothing with manualSelector", () => {
    const manual = created(JOB, changed(job("pi"), (o) => { o.spec.manualSelector = true; }));
    expect(manual.spec.selector).toBeUndefined();
    expect(manual.spec.template.metadata).toBeUndefined();
    const own = created(JOB, changed(job("pi"), (o) => { o.spec.template.metadata = { labels: { "job-name": "mine" } }; }));
    expect(own.spec.template.metadata.labels["job-name"]).toBe("mine");
  });

  it("generates the selector only on create", () => {
    const j = stored(JOB, job("pi"));
    const next = changed(j, (o) => { delete o.spec.selector; });
    const copy = structuredClone(next);
    applyDefaults(JOB, copy);
    expect(copy.spec.selector).toBeUndefined();
  });
});

describe("CronJob defaults (SetDefaults_CronJob)", () => {
  it("fills the policy and history limits and the pod template, not the job's own defaults", () => {
    const cj = created(typeOf("CronJob", "batch"), cronJob("hello"));
    const { jobTemplate, ...spec } = cj.spec;
    expect(spec).toEqual({ schedule: "*/1 * * * *", concurrencyPolicy: "Allow", suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(Object.keys(jobTemplate.spec)).toEqual(["template"]);
    expect(jobTemplate.spec.template.spec).toMatchObject({ restartPolicy: "OnFailure", schedulerName: "default-scheduler", securityContext: {} });
    expect(jobTemplate.spec.template.spec.containers[0]).toMatchObject({ imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" });
  });
});
