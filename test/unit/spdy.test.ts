/**
 * SPDY/3.1 as `kubectl port-forward` tunnels it (api/spdy.ts, api/inflate.ts): header blocks are one
 * zlib stream against the SPDY dictionary, flushed per frame, and frames arrive split anywhere.
 */
import { constants, createDeflate, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { httpResponse, parseRequestHead, refusedMessage } from "../../src/api/portforward";
import type { KObject } from "../../src/api/types";
import { controlFrame, dataFrame, FrameReader, HeaderReader, HeaderWriter, SPDY3_DICTIONARY, SYN_REPLY, SYN_STREAM } from "../../src/api/spdy";

const block = (headers: Record<string, string>) => {
  const parts: number[] = [];
  const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  parts.push(...u32(Object.keys(headers).length));
  for (const [k, v] of Object.entries(headers)) parts.push(...u32(k.length), ...Buffer.from(k), ...u32(v.length), ...Buffer.from(v));
  return Buffer.from(parts);
};

/** What Go's zlib writer does per SYN_STREAM: write the block, then a sync flush. */
async function compressEach(blocks: Buffer[]): Promise<Buffer[]> {
  const deflate = createDeflate({ dictionary: SPDY3_DICTIONARY });
  const out: Buffer[] = [];
  for (const b of blocks) {
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => chunks.push(c);
    deflate.on("data", onData);
    deflate.write(b);
    await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    await new Promise((r) => setImmediate(r));
    deflate.off("data", onData);
    out.push(Buffer.concat(chunks));
  }
  return out;
}

const synStream = (id: number, compressed: Buffer) => controlFrame(SYN_STREAM, 0, [0, 0, 0, id, 0, 0, 0, 0, 0, 0, ...compressed]);

describe("SPDY header blocks", () => {
  it("the dictionary is the SPDY/3 one (1423 bytes)", () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
  });

  it("reads an error stream's and a data stream's headers from one zlib stream, frames split anywhere", async () => {
    const error = { streamtype: "error", port: "80", requestid: "0" };
    const data = { streamtype: "data", port: "80", requestid: "0" };
    const [first, second] = await compressEach([block(error), block(data)]);
    const bytes = Buffer.concat([synStream(1, first), synStream(3, second), dataFrame(3, 0, Buffer.from("GET / HTTP/1.1\r\n\r\n"))]);
    const reader = new FrameReader();
    const frames = [...reader.push(bytes.subarray(0, 5)), ...reader.push(bytes.subarray(5, 40)), ...reader.push(bytes.subarray(40))];
    expect(frames.map((f) => (f.control ? `control ${f.type}` : `data ${f.streamId}`))).toEqual(["control 1", "control 1", "data 3"]);
    const headers = new HeaderReader();
    expect(headers.synStream(frames[0].payload)).toEqual({ streamId: 1, headers: error });
    expect(headers.synStream(frames[1].payload)).toEqual({ streamId: 3, headers: data });
    expect(Buffer.from(frames[2].payload).toString()).toBe("GET / HTTP/1.1\r\n\r\n");
  });

  it("writes SYN_REPLY header blocks a zlib reader with the dictionary decodes", () => {
    const writer = new HeaderWriter();
    const one = writer.synReply(1);
    const two = writer.synReply(3, { a: "b" });
    const reader = new FrameReader();
    const [f1, f2] = reader.push(Buffer.concat([one, two]));
    expect(f1.control && f1.type).toBe(SYN_REPLY);
    const zlib = Buffer.concat([f1.payload.subarray(4), f2.payload.subarray(4)]);
    const plain = inflateSync(zlib, { dictionary: SPDY3_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    expect([...plain]).toEqual([...block({}), ...block({ a: "b" })]);
  });
});

describe("what the forwarded connection carries", () => {
  const pod = { metadata: { name: "web", uid: "0b3f5c1e-1111-2222-3333-444455556666" } } as unknown as KObject;

  it("the request line, once the client's headers are complete", () => {
    expect(parseRequestHead("GET /index.html HTTP/1.1\r\nHost: localhost:8080\r\n")).toBeUndefined();
    expect(parseRequestHead("GET /index.html HTTP/1.1\r\nHost: localhost:8080\r\n\r\n")).toEqual({ method: "GET", path: "/index.html" });
    expect(parseRequestHead("HEAD / HTTP/1.0\n\n")).toEqual({ method: "HEAD", path: "/" });
  });

  it("the server's answer as HTTP/1.1 with Connection: close (HEAD without the body)", () => {
    const answer = { ok: true as const, ip: "127.0.0.1", status: 200, reason: "OK", headers: [["Server", "nginx/1.27.0"], ["Connection", "keep-alive"], ["Content-Length", "3"]] as [string, string][], body: "OK!" };
    expect(httpResponse(answer, "GET")).toBe("HTTP/1.1 200 OK\r\nServer: nginx/1.27.0\r\nContent-Length: 3\r\nConnection: close\r\n\r\nOK!");
    expect(httpResponse(answer, "HEAD")).toBe("HTTP/1.1 200 OK\r\nServer: nginx/1.27.0\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
  });

  it("a closed port: containerd's message, naming the sandbox and its network namespace", () => {
    const message = refusedMessage(pod, 81);
    expect(message).toMatch(/^error forwarding port 81 to pod ([0-9a-f]{64}), uid : failed to execute portforward in network namespace "\/var\/run\/netns\/cni-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}": failed to connect to localhost:81 inside namespace "\1", IPv4: dial tcp4 127\.0\.0\.1:81: connect: connection refused IPv6 dial tcp6 \[::1\]:81: connect: connection refused $/);
    expect(refusedMessage(pod, 81)).toBe(message);
  });
});
