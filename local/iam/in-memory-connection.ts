/**
 * A function's calls to its own gate without TCP. The gate lives in the function's worker thread
 * (function-gate.ts), so a call over loopback TCP costs two system calls and the kernel's TCP work
 * each way, for bytes that never leave the thread; on a virtual machine that is a third of what the
 * gate costs. Here the worker's `http.Agent` connects to the gate's port through a pair of in-memory
 * streams instead: the same HTTP bytes, parsed by the same `node:http` server and every check of the
 * gate, only not through the kernel. Any other connection (another port, an agent with its own
 * `createConnection`) is left to TCP, and the gate still listens on its port for those.
 */
import { Agent } from "node:http";
import { Duplex } from "node:stream";

/**
 * One end of an in-memory connection: what `node:http` asks of a socket, over its peer. Bytes and the
 * end of the stream arrive on the next tick, in order, as from a socket; a destroyed end's peer sees
 * the end of the stream (a closed connection), after whatever was written before.
 */
class MemorySocket extends Duplex {
  peer: MemorySocket | undefined;
  readonly remoteAddress = "127.0.0.1";
  readonly remoteFamily = "IPv4";
  readonly localAddress = "127.0.0.1";
  readonly connecting = false;
  timeout = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    readonly localPort: number,
    readonly remotePort: number,
  ) {
    super({ allowHalfOpen: false });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.touch();
    this.send(chunk);
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.send(null);
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    this.send(null);
    this.peer = undefined;
    done(error);
  }

  /** As `net.Socket#setTimeout`: 'timeout' after `ms` without traffic; 0 turns it off. */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.timeout = ms;
    if (onTimeout !== undefined) this.once("timeout", onTimeout);
    this.touch();
    return this;
  }

  // TCP options mean nothing in memory: accepted, as a socket accepts them.
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  private send(chunk: Buffer | null): void {
    const peer = this.peer;
    if (peer !== undefined) process.nextTick(() => peer.receive(chunk));
  }

  private receive(chunk: Buffer | null): void {
    // Past its end (or destroyed), a socket reads nothing more: like bytes sent to a closed one.
    if (this.ended || this.destroyed) return;
    if (chunk === null) this.ended = true;
    else this.touch();
    this.push(chunk);
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer =
      this.timeout > 0 ? setTimeout(() => this.emit("timeout"), this.timeout).unref() : undefined;
  }
}

let nextClientPort = 49_152;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost"]);

/** The ports this thread routes through memory, each with what accepts its connections. */
const routes = new Map<number, { accept: (serverEnd: Duplex) => void }>();

/**
 * One patch of `Agent.prototype.createConnection` serves every route, so that routes come and go in
 * any order: `replaced` is what it replaced, put back when the last route goes.
 */
let patch:
  | { routed: typeof Agent.prototype.createConnection; replaced: typeof Agent.prototype.createConnection }
  | undefined;

function installPatch(): void {
  const replaced = Agent.prototype.createConnection;
  const routed = function (this: Agent, ...args: unknown[]) {
    const options = args[0] as { host?: string; hostname?: string; port?: number | string };
    const host = options.host ?? options.hostname ?? "localhost";
    const port = Number(options.port);
    const route = LOOPBACK_HOSTS.has(host) ? routes.get(port) : undefined;
    if (route === undefined) return (replaced as (...all: unknown[]) => Duplex).apply(this, args);
    const clientPort = nextClientPort;
    nextClientPort = nextClientPort >= 65_535 ? 49_152 : nextClientPort + 1;
    const client = new MemorySocket(clientPort, port);
    const server = new MemorySocket(port, clientPort);
    client.peer = server;
    server.peer = client;
    route.accept(server);
    return client;
  } as typeof replaced;
  Agent.prototype.createConnection = routed;
  patch = { routed, replaced };
}

/**
 * Routes this thread's `http.Agent` connections to 127.0.0.1:`port` or localhost:`port` through
 * memory: `accept` receives the server's end of each (a `net.Server`'s "connection"). Returns the
 * function that ends this route; when no route is left, `createConnection` is what it was before.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 *
 * const server = createServer((request, response) => response.end("hi")).listen(8000, "127.0.0.1");
 * const restore = routeConnectionsInMemory(8000, (socket) => server.emit("connection", socket));
 * await fetch("http://127.0.0.1:8000/"); // fetch has its own sockets: TCP. http.get goes through memory.
 * restore();
 * ```
 */
export function routeConnectionsInMemory(port: number, accept: (serverEnd: Duplex) => void): () => void {
  const route = { accept };
  routes.set(port, route);
  if (patch === undefined) installPatch();
  return () => {
    // A second call, or one after the port was routed anew, leaves the newer route alone.
    if (routes.get(port) === route) routes.delete(port);
    // Replaced on top by somebody else (a test's stub), the patch stays until that is undone.
    if (routes.size === 0 && patch !== undefined && Agent.prototype.createConnection === patch.routed) {
      Agent.prototype.createConnection = patch.replaced;
      patch = undefined;
    }
  };
}
