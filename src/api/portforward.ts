/**
 * pods/portforward: the API server's and kubelet's part of `kubectl port-forward`. kubectl 1.31+
 * tunnels SPDY through a WebSocket (subprotocol "SPDY/3.1+portforward.k8s.io", client-go
 * tools/portforward tunneling_dialer.go): per local connection it opens an error stream and a data
 * stream (headers streamType, port, requestID). The bytes the local client writes (an HTTP request)
 * go to the simulated server on that port in the pod (sim/kubelet/reach.ts), whose answer comes back
 * as an HTTP/1.1 response with `Connection: close`; then both streams end. A port nothing listens on
 * gets the kubelet's (containerd's) message on the error stream.
 */
import { mulberry32 } from "../controllers/rng";
import { fetchFrom } from "../sim/kubelet/reach";
import type { HttpAnswer } from "../sim/kubelet/execTools";
import { hexId } from "../sim/kubelet/hash";
import { worldNow } from "./exec";
import { ApiError, badRequest } from "./errors";
import { getObject, type Target } from "./rest";
import type { ApiServer } from "./server";
import type { KObject } from "./types";
import { controlFrame, dataFrame, FLAG_FIN, FrameReader, GOAWAY, HeaderReader, HeaderWriter, PING, RST_STREAM, SYN_STREAM } from "./spdy";

export const PORT_FORWARD_PROTOCOL = "portforward.k8s.io";
/** constants.WebsocketsSPDYTunnelingPrefix + PortForwardProtocolV1Name. */
export const TUNNELED_PORT_FORWARD_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;

/** The largest DATA payload sent in one frame. */
const MAX_DATA = 16 * 1024;

/**
 * containerd's portForward failure as the kubelet writes it to the error stream (httpstream.go
 * portForward: "error forwarding port %d to pod %s, uid %v: %v"; the pod is the sandbox id, the uid
 * empty for CRI runtimes).
 */
export function refusedMessage(pod: KObject, port: number): string {
  const sandbox = hexId(`${pod.metadata.uid}/sandbox`);
  const n = hexId(`${pod.metadata.uid}/netns`, 32);
  const netns = `/var/run/netns/cni-${n.slice(0, 8)}-${n.slice(8, 12)}-${n.slice(12, 16)}-${n.slice(16, 20)}-${n.slice(20, 32)}`;
  return `error forwarding port ${port} to pod ${sandbox}, uid : failed to execute portforward in network namespace "${netns}": failed to connect to localhost:${port} inside namespace "${sandbox}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `;
}

/** The request line of what the local client sent, once its headers are complete. */
export function parseRequestHead(text: string): { method: string; path: string } | undefined {
  if (!text.includes("\r\n\r\n") && !text.includes("\n\n")) return undefined;
  const [method = "GET", path = "/"] = text.split(/\r?\n/, 1)[0].split(" ");
  return { method, path: path.startsWith("/") ? path : "/" };
}

/** The server's answer on the wire: its status line and headers, `Connection: close`, the body unless HEAD. */
export function httpResponse(answer: Extract<HttpAnswer, { ok: true }>, method: string): string {
  const headers = answer.headers.filter(([name]) => name.toLowerCase() !== "connection");
  const head = [`HTTP/1.1 ${answer.status} ${answer.reason}`, ...headers.map(([k, v]) => `${k}: ${v}`), "Connection: close", "", ""].join("\r\n");
  return method === "HEAD" ? head : head + answer.body;
}

interface Pair {
  port: number;
  error?: number;
  data?: number;
  received: string;
  done: boolean;
}

export async function podPortForward(server: ApiServer, request: Request, url: URL, target: Target, name: string): Promise<Response> {
  const ctx = server.context;
  if (request.method !== "GET" && request.method !== "POST") {
    throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  }
  const pod = getObject(ctx, target, name);
  if (!(pod.spec as { nodeName?: string } | undefined)?.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const upgrade = request.headers.get("upgrade")?.toLowerCase();
  if (upgrade === "spdy/3.1") {
    throw badRequest("unable to upgrade connection: SPDY is not served here; port-forward needs a WebSocket client (kubectl 1.31+)");
  }
  if (upgrade !== "websocket") throw badRequest("Upgrade request required");
  const offered = (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
  if (!offered.includes(TUNNELED_PORT_FORWARD_PROTOCOL)) {
    throw badRequest(`unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(offered.join(","))}, server supports ["${TUNNELED_PORT_FORWARD_PROTOCOL}"]`);
  }
  const pair = new WebSocketPair();
  const [client, socket] = [pair[0], pair[1]];
  socket.accept();
  socket.binaryType = "arraybuffer";
  const encoder = new TextEncoder();
  const frames = new FrameReader();
  const headersIn = new HeaderReader();
  const headersOut = new HeaderWriter();
  const pairs = new Map<string, Pair>();
  const streams = new Map<number, string>();
  const rng = mulberry32(parseInt(ctx.uid().replace(/-/g, "").slice(0, 8), 16) || 1);
  let closed = false;

  const send = (bytes: Uint8Array) => {
    if (closed) return;
    try {
      socket.send(bytes);
    } catch {
      closed = true;
    }
  };
  const write = (streamId: number, bytes: Uint8Array, fin: boolean) => {
    for (let at = 0; at < bytes.length; at += MAX_DATA) send(dataFrame(streamId, 0, bytes.subarray(at, at + MAX_DATA)));
    if (fin) send(dataFrame(streamId, FLAG_FIN, []));
  };
  const end = (requestId: string, p: Pair, errorText?: string) => {
    if (p.done) return;
    p.done = true;
    if (p.data !== undefined) write(p.data, new Uint8Array(), true);
    if (p.error !== undefined) write(p.error, encoder.encode(errorText ?? ""), true);
    pairs.delete(requestId);
  };
  /** What the pod's server on the port does with the request so far (nothing until its head is whole). */
  const serve = (requestId: string, p: Pair, peerDone: boolean) => {
    if (p.done || p.error === undefined || p.data === undefined) return;
    const world = worldNow(ctx, target, name);
    const probe = (path: string) =>
      world ? fetchFrom(world.pod, `http://localhost:${p.port}${path}`, { snapshot: world.snapshot, settings: world.settings, now: world.now, rng, podContext: world.podContext }) : undefined;
    const head = parseRequestHead(p.received);
    if (!head && !peerDone) {
      // The kubelet connects as soon as the pair is complete: a closed port fails before any byte.
      const answer = probe("/");
      if (!answer || (!answer.ok && answer.failure === "refused")) end(requestId, p, refusedMessage(world?.pod ?? pod, p.port));
      return;
    }
    const answer = probe(head?.path ?? "/");
    if (!answer || (!answer.ok && answer.failure !== "empty")) return end(requestId, p, refusedMessage(world?.pod ?? pod, p.port));
    if (answer.ok) write(p.data, encoder.encode(httpResponse(answer, head?.method ?? "GET")), false);
    end(requestId, p);
  };

  const onFrame = (frame: ReturnType<FrameReader["push"]>[number]) => {
    if (frame.control) {
      if (frame.type === SYN_STREAM) {
        const { streamId, headers } = headersIn.synStream(frame.payload);
        send(headersOut.synReply(streamId));
        const requestId = headers.requestid ?? String(streamId);
        const port = Number(headers.port);
        const p = pairs.get(requestId) ?? { port, received: "", done: false };
        if (headers.streamtype === "error") p.error = streamId;
        else p.data = streamId;
        pairs.set(requestId, p);
        streams.set(streamId, requestId);
        serve(requestId, p, false);
      } else if (frame.type === PING) {
        send(controlFrame(PING, 0, frame.payload));
      } else if (frame.type === RST_STREAM) {
        const requestId = streams.get((((frame.payload[0] & 0x7f) << 24) | (frame.payload[1] << 16) | (frame.payload[2] << 8) | frame.payload[3]) >>> 0);
        const p = requestId && pairs.get(requestId);
        if (p) {
          p.done = true;
          pairs.delete(requestId);
        }
      } else if (frame.type === GOAWAY) {
        shutdown();
      }
      return;
    }
    const requestId = streams.get(frame.streamId);
    const p = requestId !== undefined ? pairs.get(requestId) : undefined;
    if (!p || requestId === undefined || frame.streamId !== p.data) return;
    p.received += new TextDecoder().decode(frame.payload);
    serve(requestId, p, (frame.flags & FLAG_FIN) !== 0);
  };
  const shutdown = () => {
    if (closed) return;
    closed = true;
    try {
      socket.close(1000);
    } catch {
      // already gone
    }
  };
  socket.addEventListener("message", (event) => {
    const bytes = typeof event.data === "string" ? encoder.encode(event.data) : new Uint8Array(event.data as ArrayBuffer);
    try {
      for (const frame of frames.push(bytes)) onFrame(frame);
    } catch (error) {
      console.error("port-forward frame failed", error);
      shutdown();
    }
  });
  socket.addEventListener("close", () => (closed = true));
  socket.addEventListener("error", () => (closed = true));
  return new Response(null, { status: 101, webSocket: client, headers: { "Sec-WebSocket-Protocol": TUNNELED_PORT_FORWARD_PROTOCOL } });
}
