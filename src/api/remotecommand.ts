/**
 * The remote command stream protocol over a WebSocket, as kube-apiserver's stream translator speaks it
 * to `kubectl exec`/`attach` (client-go tools/remotecommand websocket.go, apiserver util/proxy
 * websocket.go, apimachinery util/remotecommand):
 *
 *   - subprotocol v5.channel.k8s.io (v4.channel.k8s.io also accepted; it lacks only the CLOSE signal);
 *   - binary messages whose first byte is the channel: 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize
 *     (terminal size; ignored here);
 *     v5 adds 255 = CLOSE, whose next byte names the stream the peer is done writing (stdin's EOF);
 *   - on open, an empty message on the lowest channel the client reads (stdout, else stderr, else error);
 *   - at the end one metav1.Status on the error channel — Success; Failure/NonZeroExitCode with the
 *     code in details.causes[{reason: "ExitCode"}] (kubectl exits with it); or an InternalError — then
 *     a normal close (1000), which client-go turns into EOF on every stream.
 */
export const STREAM_PROTOCOL_V5 = "v5.channel.k8s.io";
export const STREAM_PROTOCOL_V4 = "v4.channel.k8s.io";

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const CLOSE = 255;

/** The error channel's Status for how the process ended (StreamTranslatorHandler: finish / codeExitToStatusError). */
export function exitStatus(code: number): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: "Success" };
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: command terminated with exit code ${code}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  };
}

/** apierrors.NewInternalError(err) as JSON, for errors between the API server and the container. */
export function internalErrorStatus(message: string): Record<string, unknown> {
  return { metadata: {}, status: "Failure", message: `Internal error occurred: ${message}`, reason: "InternalError", details: { causes: [{ message }] }, code: 500 };
}

/** The protocol the client offered that we speak (v5 first), or undefined. */
export function negotiate(header: string | null): string | undefined {
  const offered = (header ?? "").split(",").map((p) => p.trim());
  return [STREAM_PROTOCOL_V5, STREAM_PROTOCOL_V4].find((p) => offered.includes(p));
}

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface StreamHandlers {
  stdin(text: string): void;
  /** The client is done writing stdin (v5 CLOSE, or the socket went away). */
  stdinClosed(): void;
  /** The socket closed: stop whatever is scheduled. */
  gone(): void;
}

/**
 * One accepted WebSocket speaking the channel protocol. Output is queued with a due time (simulated
 * processes print on a virtual clock), and the final status goes after everything queued before it.
 */
export class RemoteCommandStream {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;
  /** When the last queued message goes out (ms since the epoch). */
  private lastDue = 0;
  private handlers?: StreamHandlers;

  constructor(
    private readonly socket: WebSocket,
    readonly protocol: string,
    readonly options: StreamOptions,
    private readonly clock: () => number,
  ) {
    // Newer compatibility dates deliver binary messages as Blobs by default (the standard's default).
    socket.binaryType = "arraybuffer";
    socket.addEventListener("message", (event) => this.receive(event.data));
    socket.addEventListener("close", () => this.shutdown());
    socket.addEventListener("error", () => this.shutdown());
    // Tells the client the connection is up (createWebSocketStreams).
    this.frame(this.options.stdout ? STDOUT : this.options.stderr ? STDERR : ERROR, new Uint8Array());
  }

  listen(handlers: StreamHandlers): void {
    this.handlers = handlers;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Queues output for `at` (ms since the epoch): never before what is already queued. */
  output(stream: "stdout" | "stderr", text: string, at: number): void {
    if (!text) return;
    const channel = stream === "stdout" || this.options.tty ? STDOUT : STDERR;
    if (channel === STDOUT ? !this.options.stdout : !this.options.stderr) return;
    this.at(at, () => this.frame(channel, this.encoder.encode(text)));
  }

  /** Sends the final Status at `at` (after everything queued) and closes. */
  finish(status: Record<string, unknown>, at: number): void {
    this.at(at, () => {
      this.frame(ERROR, this.encoder.encode(JSON.stringify(status)));
      this.close();
    });
  }

  /** Drops output queued but not sent yet (^C). */
  cancelQueued(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.lastDue = this.clock();
  }

  /** When the next output may go out: after what is queued, and not in the past. */
  get cursor(): number {
    return Math.max(this.lastDue, this.clock());
  }

  private at(due: number, send: () => void): void {
    if (this.closed) return;
    const when = Math.max(due, this.lastDue);
    this.lastDue = when;
    const delay = when - this.clock();
    if (delay <= 0 && this.timers.size === 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, Math.max(0, delay));
    this.timers.add(timer);
  }

  private frame(channel: number, data: Uint8Array): void {
    if (this.closed) return;
    const message = new Uint8Array(data.length + 1);
    message[0] = channel;
    message.set(data, 1);
    try {
      this.socket.send(message);
    } catch {
      this.shutdown();
    }
  }

  private receive(data: ArrayBuffer | string): void {
    const bytes = typeof data === "string" ? this.encoder.encode(data) : new Uint8Array(data);
    if (bytes.length === 0) return;
    const channel = bytes[0];
    if (channel === STDIN && this.options.stdin) {
      const text = this.decoder.decode(bytes.subarray(1), { stream: true });
      if (text) this.handlers?.stdin(text);
    } else if (channel === CLOSE && bytes[1] === STDIN && this.protocol === STREAM_PROTOCOL_V5) {
      this.handlers?.stdinClosed();
    }
    // RESIZE carries {"Width":…,"Height":…}: the simulated terminal has no size to change.
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close(1000);
    } catch {
      // already gone
    }
    this.cancelQueued();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelQueued();
    this.handlers?.gone();
  }
}
