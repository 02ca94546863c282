/**
 * The API server through the real kubectl: discovery, OpenAPI, apply (client- and server-side), every
 * output format, selectors, describe, label/annotate/patch/edit/replace/delete, watches, and the errors
 * kubectl users see — once for each kubectl version the machine has (1.31–1.33).
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { installedKubectlVersions, kubectl, newCluster, ok, spawnKubectl, useKubectlVersion, type Cluster } from "./helpers";
import { EVERY_KIND, KINDS_IN_MANIFEST } from "./manifests";

describe.each(installedKubectlVersions())("kubectl %s", (version) => {
  let cluster: Cluster;
  let manifest: string;

  beforeAll(async () => {
    useKubectlVersion(version);
    cluster = await newCluster({ name: "kubectl-api", nodes: 3 });
    const dir = mkdtempSync(join(tmpdir(), "kubeflare-manifest-"));
    manifest = join(dir, "everything.yaml");
    writeFileSync(manifest, EVERY_KIND);
  });

  describe("kubectl against a new cluster", () => {
    it("reports the server version", async () => {
      const out = await ok(cluster, ["version", "-o", "json"]);
      expect(JSON.parse(out).serverVersion).toMatchObject({ major: "1", minor: "31", gitVersion: "v1.31.0" });
    });

    it("lists api-resources with short names and groups", async () => {
      const out = await ok(cluster, ["api-resources"]);
      expect(out).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
      expect(out).toMatch(/^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m);
      expect(out).toMatch(/^nodes\s+no\s+v1\s+false\s+Node$/m);
    });

    it("explains fields from the served OpenAPI", async () => {
      const out = await ok(cluster, ["explain", "deployment.spec.strategy"]);
      expect(out).toContain("FIELD: strategy <DeploymentStrategy>");
      expect(out).toMatch(/rollingUpdate\s+<RollingUpdateDeployment>/);
    });

    it("shows the Ready nodes and system namespaces", async () => {
      const nodes = await ok(cluster, ["get", "nodes"]);
      expect(nodes).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/m);
      for (const n of ["node-1", "node-2", "node-3"]) expect(nodes).toMatch(new RegExp(`^${n}\\s+Ready\\s+<none>\\s+\\S+\\s+v1.31.0$`, "m"));
      const ns = await ok(cluster, ["get", "ns", "-o", "name"]);
      expect(ns.trim().split("\n").sort()).toEqual(["namespace/default", "namespace/kube-node-lease", "namespace/kube-public", "namespace/kube-system"]);
      expect(await ok(cluster, ["get", "storageclass"])).toMatch(/^standard \(default\)\s+/m);
    });
  });

  describe("apply", () => {
    it("creates every kind from one multi-document manifest, then finds them unchanged", async () => {
      const first = await ok(cluster, ["apply", "-f", manifest]);
      for (const kind of KINDS_IN_MANIFEST) expect(first).toContain(`${kind} created`);
      const second = await ok(cluster, ["apply", "-f", manifest]);
      // A Secret written with stringData is stored as data, so kubectl's three-way patch is never
      // empty and it reports "configured" on every apply, exactly as against a real cluster.
      for (const kind of KINDS_IN_MANIFEST.filter((k) => k !== "secret/creds")) expect(second).toContain(`${kind} unchanged`);
      expect(second).toContain("secret/creds configured");
    });

    it("applies server-side", async () => {
      const out = await ok(cluster, ["apply", "--server-side", "-f", manifest]);
      for (const kind of KINDS_IN_MANIFEST) expect(out).toContain(`${kind} serverside-applied`);
      const cm = JSON.parse(await ok(cluster, ["get", "cm", "settings", "-n", "shop", "-o", "json", "--show-managed-fields"]));
      expect(cm.metadata.managedFields.map((m: { manager: string }) => m.manager)).toContain("kubectl");
    });

    it("diffs a changed manifest", async () => {
      const same = await kubectl(cluster, ["diff", "-f", manifest]);
      expect(same.code).toBe(0);
      const changed = manifest.replace(".yaml", "-changed.yaml");
      writeFileSync(changed, EVERY_KIND.replace("color: blue", "color: green"));
      const diff = await kubectl(cluster, ["diff", "-f", changed]);
      expect(diff.code).toBe(1);
      expect(diff.stdout).toMatch(/^-\s+color: blue$/m);
      expect(diff.stdout).toMatch(/^\+\s+color: green$/m);
    });
  });

  describe("get", () => {
    it.each([
      ["deployments", /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m],
      ["pods", /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m],
      ["services", /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m],
      ["configmaps", /^NAME\s+DATA\s+AGE$/m],
      ["secrets", /^NAME\s+TYPE\s+DATA\s+AGE$/m],
      ["statefulsets", /^NAME\s+READY\s+AGE$/m],
      ["daemonsets", /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/m],
      ["jobs", /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/m],
      ["cronjobs", /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE$/m],
      ["hpa", /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/m],
    ])("prints %s with upstream's columns", async (resource, header) => {
      const out = await ok(cluster, ["get", resource, "-n", "shop"]);
      expect(out).toMatch(header);
    });

    it("prints -o wide, yaml, json, name and jsonpath", async () => {
      expect(await ok(cluster, ["get", "deploy", "web", "-n", "shop", "-o", "wide"])).toMatch(/^web\s+\d\/2\s+\d\s+\d\s+\S+\s+nginx\s+nginx:1.14.2\s+app=web$/m);
      expect(await ok(cluster, ["get", "deploy", "web", "-n", "shop", "-o", "yaml"])).toMatch(/^kind: Deployment$/m);
      const json = JSON.parse(await ok(cluster, ["get", "deploy", "web", "-n", "shop", "-o", "json"]));
      expect(json.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } });
      expect(await ok(cluster, ["get", "deploy", "-n", "shop", "-o", "name"])).toBe("deployment.apps/web\n");
      expect(await ok(cluster, ["get", "svc", "web", "-n", "shop", "-o", "jsonpath={.spec.ports[0].targetPort}"])).toBe("8080");
    });

    it("prints every kind of the manifest as wide, yaml, json, name and jsonpath", async () => {
      for (const ref of KINDS_IN_MANIFEST) {
        const [resource, name] = ref.split("/");
        const ns = resource === "namespace" ? [] : ["-n", "shop"];
        const wide = await ok(cluster, ["get", resource, name, ...ns, "-o", "wide"]);
        expect(wide.split("\n")[1]).toMatch(new RegExp(`^${name}\\s`));
        expect(await ok(cluster, ["get", resource, name, ...ns, "-o", "yaml"])).toMatch(new RegExp(`^  name: ${name}$`, "m"));
        expect(JSON.parse(await ok(cluster, ["get", resource, name, ...ns, "-o", "json"])).metadata.name).toBe(name);
        expect(await ok(cluster, ["get", resource, name, ...ns, "-o", "name"])).toBe(`${ref}\n`);
        expect(await ok(cluster, ["get", resource, name, ...ns, "-o", "jsonpath={.metadata.uid}"])).toMatch(/^[0-9a-f-]{36}$/);
      }
    });

    it("filters by label and field selectors and across namespaces", async () => {
      expect(await ok(cluster, ["get", "pods", "-A", "-l", "tier=tools", "-o", "name"])).toBe("pod/debug\n");
      expect(await ok(cluster, ["get", "pods", "-n", "shop", "-l", "tier in (frontend,backend)", "-o", "name"])).toBe("");
      expect(await ok(cluster, ["get", "cm", "-A", "--field-selector", "metadata.name=settings", "-o", "name"])).toBe("configmap/settings\n");
      const all = await ok(cluster, ["get", "configmaps", "-A"]);
      expect(all).toMatch(/^shop\s+settings\s+1\s+/m);
      expect(all).toMatch(/^kube-system\s+kube-root-ca.crt\s+1\s+/m);
      expect(await ok(cluster, ["get", "pods", "-n", "shop", "--show-labels"])).toMatch(/app=debug,tier=tools/);
    });

    it("lists `all` and sorts by a field", async () => {
      const all = await ok(cluster, ["get", "all", "-n", "shop"]);
      for (const name of ["pod/debug", "service/web", "deployment.apps/web", "statefulset.apps/db", "daemonset.apps/agent", "job.batch/pi", "cronjob.batch/hello", "horizontalpodautoscaler.autoscaling/web"]) {
        expect(all).toContain(name);
      }
      const sorted = await ok(cluster, ["get", "cm", "-A", "--sort-by=.metadata.name", "-o", "name"]);
      expect(sorted.trim().split("\n")).toEqual([...sorted.trim().split("\n")].sort());
    });

    it("pages with --chunk-size", async () => {
      const out = await ok(cluster, ["get", "configmaps", "-A", "--chunk-size=2", "-o", "name"]);
      expect(out.trim().split("\n").length).toBe(7); // kube-root-ca.crt in 5 namespaces + settings + coredns
    });
  });

  describe("changing objects", () => {
    it("describes a deployment", async () => {
      const out = await ok(cluster, ["describe", "deployment", "web", "-n", "shop"]);
      expect(out).toMatch(/^Name:\s+web$/m);
      expect(out).toMatch(/^StrategyType:\s+RollingUpdate$/m);
      expect(out).toMatch(/^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    });

    it("labels and annotates", async () => {
      expect(await ok(cluster, ["label", "cm", "settings", "-n", "shop", "env=prod"])).toContain("configmap/settings labeled");
      expect(await ok(cluster, ["annotate", "cm", "settings", "-n", "shop", "owner=team-a"])).toContain("configmap/settings annotated");
      const cm = JSON.parse(await ok(cluster, ["get", "cm", "settings", "-n", "shop", "-o", "json"]));
      expect(cm.metadata.labels).toEqual({ env: "prod" });
      expect(cm.metadata.annotations.owner).toBe("team-a");
      expect(await ok(cluster, ["label", "cm", "settings", "-n", "shop", "env-"])).toContain("configmap/settings unlabeled");
    });

    it("patches with strategic, merge and json patches", async () => {
      await ok(cluster, ["patch", "deploy", "web", "-n", "shop", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.16.1"}]}}}}']);
      await ok(cluster, ["patch", "deploy", "web", "-n", "shop", "--type=merge", "-p", '{"spec":{"replicas":3}}']);
      await ok(cluster, ["patch", "deploy", "web", "-n", "shop", "--type=json", "-p", '[{"op":"add","path":"/metadata/labels/patched","value":"yes"}]']);
      const d = JSON.parse(await ok(cluster, ["get", "deploy", "web", "-n", "shop", "-o", "json"]));
      expect(d.spec.template.spec.containers).toHaveLength(1);
      expect(d.spec.template.spec.containers[0]).toMatchObject({ name: "nginx", image: "nginx:1.16.1", ports: [{ containerPort: 80, protocol: "TCP" }] });
      expect(d.spec.replicas).toBe(3);
      expect(d.metadata.labels.patched).toBe("yes");
      expect(d.metadata.generation).toBe(3);
      const again = await ok(cluster, ["patch", "deploy", "web", "-n", "shop", "--type=merge", "-p", '{"spec":{"replicas":3}}']);
      expect(again).toContain("patched (no change)");
    });

    it("edits with KUBE_EDITOR", async () => {
      const dir = mkdtempSync(join(tmpdir(), "kubeflare-editor-"));
      const editor = join(dir, "editor.sh");
      writeFileSync(editor, `#!/bin/sh\nsed -i 's/color: blue/color: red/' "$1"\n`);
      chmodSync(editor, 0o755);
      expect(await ok(cluster, ["edit", "cm", "settings", "-n", "shop"], { env: { KUBE_EDITOR: editor } })).toContain("configmap/settings edited");
      expect(await ok(cluster, ["get", "cm", "settings", "-n", "shop", "-o", "jsonpath={.data.color}"])).toBe("red");
    });

    it("replaces, and rejects a replace from a stale copy with a Conflict", async () => {
      const stale = await ok(cluster, ["get", "cm", "settings", "-n", "shop", "-o", "yaml"]);
      const fresh = stale.replace("color: red", "color: yellow");
      expect(await ok(cluster, ["replace", "-f", "-"], { input: fresh })).toContain("configmap/settings replaced");
      const conflict = await kubectl(cluster, ["replace", "-f", "-"], { input: stale.replace("color: red", "color: purple") });
      expect(conflict.code).not.toBe(0);
      expect(conflict.stderr).toContain('Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again');
    });

    it("refuses a duplicate create with AlreadyExists", async () => {
      const fromFile = await kubectl(cluster, ["create", "-f", manifest]);
      expect(fromFile.code).not.toBe(0);
      expect(fromFile.stderr).toContain('Error from server (AlreadyExists): error when creating "' + manifest + '": configmaps "settings" already exists');
      const generator = await kubectl(cluster, ["create", "configmap", "settings", "-n", "shop"]);
      expect(generator.code).not.toBe(0);
      expect(generator.stderr).toContain('configmaps "settings" already exists');
    });

    it("names the invalid field of an invalid object", async () => {
      const bad = await kubectl(cluster, ["apply", "-f", "-"], {
        input: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\nspec:\n  selector:\n    matchLabels: {app: a}\n  template:\n    metadata:\n      labels: {app: a}\n    spec:\n      containers:\n      - name: c\n",
      });
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('The Deployment "broken" is invalid: spec.template.spec.containers[0].image: Required value');
    });

    it("rejects unknown fields as kubectl's server-side validation asks", async () => {
      const bad = await kubectl(cluster, ["apply", "-f", "-"], { input: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndata: {a: b}\ndatta: {c: d}\n" });
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('unknown field "datta"');
    });

    it("watches ADDED, MODIFIED and DELETED", async () => {
      const watch = spawnKubectl(cluster, ["get", "cm", "-n", "shop", "-w", "--output-watch-events", "-o", "custom-columns=EVENT:.type,NAME:.object.metadata.name"]);
      await watch.waitFor(/ADDED\s+settings/);
      await ok(cluster, ["create", "configmap", "watched", "-n", "shop", "--from-literal=a=1"]);
      await watch.waitFor(/ADDED\s+watched/);
      await ok(cluster, ["label", "cm", "watched", "-n", "shop", "x=y"]);
      await watch.waitFor(/MODIFIED\s+watched/);
      await ok(cluster, ["delete", "cm", "watched", "-n", "shop"]);
      await watch.waitFor(/DELETED\s+watched/);
      watch.stop();
    });

    it("deletes by name, by label and with --all", async () => {
      await ok(cluster, ["create", "configmap", "one", "-n", "shop"]);
      await ok(cluster, ["create", "configmap", "two", "-n", "shop"]);
      await ok(cluster, ["label", "cm", "two", "-n", "shop", "doomed=yes"]);
      expect(await ok(cluster, ["delete", "cm", "one", "-n", "shop"])).toContain('configmap "one" deleted');
      expect(await ok(cluster, ["delete", "cm", "-l", "doomed=yes", "-n", "shop"])).toContain('configmap "two" deleted');
      await ok(cluster, ["delete", "hpa", "--all", "-n", "shop"]);
      expect(await ok(cluster, ["get", "hpa", "-n", "shop", "-o", "name"])).toBe("");
      const gone = await kubectl(cluster, ["get", "cm", "one", "-n", "shop"]);
      expect(gone.stderr).toContain('Error from server (NotFound): configmaps "one" not found');
    });

    it("deletes a namespace with everything in it", async () => {
      await ok(cluster, ["create", "namespace", "scratch"]);
      await ok(cluster, ["create", "configmap", "c", "-n", "scratch"]);
      expect(await ok(cluster, ["delete", "namespace", "scratch"])).toContain('namespace "scratch" deleted');
      expect((await kubectl(cluster, ["get", "ns", "scratch"])).stderr).toContain('namespaces "scratch" not found');
      const leftovers = await ok(cluster, ["get", "cm", "-n", "scratch", "-o", "name"]);
      expect(leftovers).toBe("");
    });
  });

  describe("authentication", () => {
    it("turns a wrong token away", async () => {
      const wrong = { ...cluster, kubeconfigPath: join(mkdtempSync(join(tmpdir(), "kubeflare-wrong-")), "config") };
      writeFileSync(wrong.kubeconfigPath, cluster.kubeconfig.replace(cluster.token, "kf_not-the-token"));
      const run = await kubectl(wrong, ["get", "pods"]);
      expect(run.code).not.toBe(0);
      // kubectl's discovery meets the 401 first and words it as client-go does for a real apiserver.
      expect(run.stderr).toContain("error: You must be logged in to the server");
      const direct = await fetch(`${cluster.server}/api/v1/pods`, { headers: { authorization: "Bearer kf_wrong" } });
      expect(direct.status).toBe(401);
      expect(await direct.json()).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
    });
  });
});
