import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const origin = "https://kubeflare.test";

async function newCluster() {
  const res = await exports.default.fetch(`${origin}/v1/clusters`, { method: "POST", body: "{}" });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string };
}

describe("routing", () => {
  it("serves the Kubernetes API without the /clusters/{id} prefix to the token's cluster (kubectl get --raw)", async () => {
    const [a, b] = [await newCluster(), await newCluster()];
    const put = (c: { id: string; token: string }, name: string) =>
      exports.default.fetch(`${origin}/clusters/${c.id}/api/v1/namespaces/default/configmaps`, {
        method: "POST", headers: { authorization: `Bearer ${c.token}` }, body: JSON.stringify({ metadata: { name } }),
      });
    expect((await put(a, "only-in-a")).status).toBe(201);
    expect((await put(b, "only-in-b")).status).toBe(201);

    const raw = (token: string, path: string) => exports.default.fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const names = async (token: string) => ((await (await raw(token, "/api/v1/namespaces/default/configmaps")).json()) as any).items.map((i: any) => i.metadata.name);
    expect(await names(a.token)).toContain("only-in-a");
    expect(await names(a.token)).not.toContain("only-in-b");
    expect(await names(b.token)).toContain("only-in-b");
    expect((await raw(a.token, "/version")).status).toBe(200);
    expect(((await (await raw(a.token, "/apis")).json()) as any).kind).toBe("APIGroupList");

    const refused = await raw("kf_not-a-token", "/api/v1/namespaces");
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
    expect((await exports.default.fetch(`${origin}/api/v1/namespaces`)).status).toBe(401);
  });
});
