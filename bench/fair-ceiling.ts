/**
 * The fair ceiling: a `node:http` server that does the work a gateway request causes, and nothing
 * else. It imports the user function's bundle (`dist/build/UserFunction/index.mjs`) into this process
 * and calls its handler directly for `GET /v1/user/{id}` (the function's GetItem on the same embedded
 * DynamoDB) and `PUT /v1/user` (its UpdateItem): no authorizer, no mapping templates, no validation,
 * no worker thread. The local gateway ÷ this server is what the gateway itself costs; the bare
 * constant-body server measures only HTTP.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { LocalDynamoDBConnection } from "../lib/aws/local-dynamodb.js";
import type { Manifest } from "../lib/build/manifest.js";
import type { LambdaOutcome } from "../local/gateway/types.js";
import type { LocalApi } from "../local/index.js";
import { closeServer } from "../local/listen.js";

/** The user function as the bundle exports it. */
export type UserHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** The event the user function's GET of `id` receives (its integration request template's output). */
export function userGetEvent(id: string) {
  return { operation: "getUser", principalId: "bench", requestId: "bench", id };
}

/**
 * Invokes the user function in `api`'s local Lambda runtime (its worker threads) with the GET of `id`;
 * throws unless the outcome is of the `expected` kind.
 */
export async function invokeUserGet(
  api: Pick<LocalApi, "invokeFunction">,
  id: string,
  expected: LambdaOutcome["kind"],
): Promise<void> {
  const outcome = await api.invokeFunction("UserFunction", userGetEvent(id));
  if (outcome.kind !== expected)
    throw new Error(`bench: the user function answered ${JSON.stringify(outcome)}`);
}

/**
 * Imports the user function's bundle into this process, its environment pointed at the embedded
 * DynamoDB, as its Lambda container would have it. The module is loaded once per process.
 *
 * @example
 * ```ts
 * import type { LocalDynamoDBConnection } from "../lib/aws/local-dynamodb.js";
 * import { readManifest } from "../lib/build/manifest.js";
 *
 * declare const dynamodb: LocalDynamoDBConnection;
 * const handler = await importUserFunction({ manifest: readManifest(), rootDir: "." }, dynamodb, "local-users");
 * await handler({ operation: "getUser", principalId: "bench", id: "bench" }, {});
 * ```
 */
export async function importUserFunction(
  options: { manifest: Manifest; rootDir: string },
  dynamodb: Pick<LocalDynamoDBConnection, "endpoint" | "credentials">,
  userTable: string,
): Promise<UserHandler> {
  const fn = options.manifest.functions.UserFunction;
  if (fn === undefined) throw new Error("the manifest has no UserFunction: run make package");
  Object.assign(process.env, {
    USER_TABLE_NAME: userTable,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_ACCESS_KEY_ID: dynamodb.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: dynamodb.credentials.secretAccessKey,
    AWS_REGION: "us-east-1",
    LOG_LEVEL: "INFO",
  });
  const module = (await import(pathToFileURL(resolve(options.rootDir, fn.buildDir, "index.mjs")).href)) as {
    handler: UserHandler;
  };
  return module.handler;
}

/**
 * Drops the function's JSON log lines from this process's stdout until the returned function is
 * called: they are formatted, not shown, like the lines of the gateway's workers, which the bench
 * run does not print. Other output passes.
 */
function dropFunctionLogs(): () => void {
  const write = process.stdout.write;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === "string" && chunk.startsWith('{"')
      ? true
      : (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest)) as typeof write;
  return () => {
    process.stdout.write = write;
  };
}

/** A running fair-ceiling server. */
export interface FairCeilingServer {
  /** `http://127.0.0.1:<port>`; routes under `/v1` like the stage. */
  origin: string;
  /** Stops the server and lets the function's log lines through again. */
  stop(): Promise<void>;
}

/**
 * Starts the server on 127.0.0.1 (ephemeral port). While it runs, the function's JSON log lines
 * (from the server and from any other direct call of the bundle) are dropped from stdout.
 *
 * @example
 * ```ts
 * declare const handler: UserHandler;
 * const server = await startFairCeilingServer(handler);
 * await fetch(`${server.origin}/v1/user/bench`);
 * await server.stop();
 * ```
 */
export async function startFairCeilingServer(handler: UserHandler): Promise<FairCeilingServer> {
  let requestId = 0;
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = request.url ?? "";
    const base = { principalId: "bench", requestId: `fair-${++requestId}` };
    try {
      if (request.method === "GET" && path.startsWith("/v1/user/")) {
        const user = await handler({ ...base, operation: "getUser", id: path.slice("/v1/user/".length) }, {});
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(user));
      } else if (request.method === "PUT" && path === "/v1/user") {
        const user = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        await handler({ ...base, operation: "putUser", user }, {});
        response.writeHead(204).end();
      } else {
        response.writeHead(404).end();
      }
    } catch (error) {
      response
        .writeHead(500, { "content-type": "application/json" })
        .end(JSON.stringify({ message: (error as Error).message }));
    }
  };
  const server = createServer((request, response) => void answer(request, response));
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as AddressInfo;
  // Until the server stops: requests still queued when a load run ends log after it.
  const restoreLogs = dropFunctionLogs();
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: async () => {
      await closeServer(server);
      restoreLogs();
    },
  };
}
