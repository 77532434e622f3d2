/**
 * An HTTP proxy in front of the embedded DynamoDB (dynalite) that counts calls per operation and can
 * inject faults: the table "stopped" (connections reset), "slow" (answers delayed), "throttling"
 * (ProvisionedThroughputExceededException, as DynamoDB sends it) or "lost response" (the write
 * happens, the caller never hears back). Used by the benchmark (counting GetItem calls) and the
 * reliability suite (faults mid-run); the functions reach it through `AWS_ENDPOINT_URL_DYNAMODB`.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** What the proxy does to a matching request. */
export type DynamoDbFault =
  | { kind: "none" }
  | { kind: "down" }
  | { kind: "slow"; delayMs: number }
  | { kind: "throttle" }
  | { kind: "lose-response" };

/** A DynamoDB call as the proxy sees it. */
export interface DynamoDbCall {
  /** The operation from `X-Amz-Target`, e.g. `GetItem`. */
  operation: string;
  /** The `TableName` of the request body, when it has one. */
  tableName: string | undefined;
  /** The request body as sent (DynamoDB JSON), so tests can check what went over the wire. */
  body: string;
}

/** A running proxy. */
export interface DynamoDbProxy {
  /** `http://127.0.0.1:<port>`: give it to the functions as their DynamoDB endpoint. */
  endpoint: string;
  /** Calls that reached the proxy (faulted ones included), in order. */
  calls: DynamoDbCall[];
  /** How many calls of `operation` (optionally on `tableName`) reached the proxy. */
  count(operation: string, tableName?: string): number;
  /** Injects `fault` into every call `applies` accepts (default: every call) until the next setFault. */
  setFault(fault: DynamoDbFault, applies?: (call: DynamoDbCall) => boolean): void;
  stop(): Promise<void>;
}

const THROTTLED = JSON.stringify({
  __type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
  message: "The level of configured provisioned throughput for the table was exceeded.",
});

/**
 * Starts the proxy on 127.0.0.1, an ephemeral port, forwarding to `targetEndpoint`.
 */
export async function startDynamoDbProxy(targetEndpoint: string): Promise<DynamoDbProxy> {
  const target = new URL(targetEndpoint);
  const calls: DynamoDbCall[] = [];
  const sockets = new Set<Socket>();
  let fault: DynamoDbFault = { kind: "none" };
  let applies: (call: DynamoDbCall) => boolean = () => true;

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const call: DynamoDbCall = {
      operation: String(req.headers["x-amz-target"] ?? "").replace(/^DynamoDB_\d+\./, ""),
      tableName: tableNameOf(body),
      body: body.toString("utf8"),
    };
    calls.push(call);
    const active = applies(call) ? fault : ({ kind: "none" } as const);
    if (active.kind === "down") {
      req.socket.destroy();
      return;
    }
    if (active.kind === "throttle") {
      res.writeHead(400, { "content-type": "application/x-amz-json-1.0" }).end(THROTTLED);
      return;
    }
    if (active.kind === "slow") await new Promise((resolve) => setTimeout(resolve, active.delayMs));
    forward(req, body, res, active.kind === "lose-response");
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  function forward(req: IncomingMessage, body: Buffer, res: ServerResponse, loseResponse: boolean): void {
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        if (loseResponse) {
          // The table did the work; the caller only sees its connection drop.
          answer.resume();
          answer.on("end", () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => req.socket.destroy());
    upstream.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    count: (operation, tableName) =>
      calls.filter((c) => c.operation === operation && (tableName === undefined || c.tableName === tableName))
        .length,
    setFault(next, predicate = () => true) {
      fault = next;
      applies = predicate;
      // A table that goes down drops the connections it had, not only the new ones.
      if (next.kind === "down") for (const socket of sockets) socket.destroy();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function tableNameOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { TableName?: unknown };
    return typeof parsed.TableName === "string" ? parsed.TableName : undefined;
  } catch {
    return undefined;
  }
}
