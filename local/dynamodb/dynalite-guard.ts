/**
 * The dynalite fallback's door. DynamoDB Local keeps a database per access key id (a generated,
 * secret one), so another local process or a web page cannot see the run's data; dynalite checks
 * nothing and answers any web page with CORS headers. This guard, in front of dynalite's own request
 * handler, lets through only what the run itself sends: calls signed (SigV4) with the run's database
 * credentials, or forwarded by the local DynamoDB gate (which carries a proof of those credentials).
 * Web pages, preflights and foreign `Host` names are refused before the body is read.
 */

import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import type { LocalDynamoDBCredentials } from "../../lib/aws/local-dynamodb.js";
import {
  callerRefusal,
  dynamodbError,
  GATE_PROOF_HEADER,
  gateProof,
  readDynamoDBBody,
  refuseCaller,
  refuseOversizedBody,
  SIGNATURE_ERRORS,
} from "../iam/dynamodb-wire.js";
import { verifySigV4 } from "../iam/sigv4.js";

const SERVICE = "the embedded DynamoDB (dynalite)";

/**
 * Puts the guard in front of the request handler of `server` (a dynalite server, listening or not).
 *
 * @example
 * ```ts
 * import dynalite from "dynalite";
 * import { generateLocalCredentials } from "../../lib/aws/local-dynamodb.js";
 *
 * const server = dynalite({ createTableMs: 0 });
 * guardDynalite(server, generateLocalCredentials());
 * server.listen(0, "127.0.0.1");
 * ```
 */
export function guardDynalite(server: Server, credentials: LocalDynamoDBCredentials): void {
  const dynaliteHandler = server.listeners("request")[0] as RequestListener | undefined;
  if (dynaliteHandler === undefined) throw new Error("guardDynalite: the server has no request handler");
  server.removeAllListeners("request");
  const proof = Buffer.from(gateProof(credentials));

  const admitted = (
    request: IncomingMessage,
    body: Buffer,
  ): { type: string; message: string } | undefined => {
    const offered = request.headers[GATE_PROOF_HEADER];
    if (typeof offered === "string") {
      const given = Buffer.from(offered);
      return given.length === proof.length && timingSafeEqual(given, proof)
        ? undefined
        : SIGNATURE_ERRORS.UnrecognizedClient;
    }
    const check = verifySigV4(
      { method: request.method ?? "POST", url: request.url ?? "/", headers: request.headers, body },
      (key) => (key === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
    );
    return check.ok ? undefined : SIGNATURE_ERRORS[check.problem];
  };

  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const { port } = server.address() as AddressInfo;
    const refusal = callerRefusal(request, [`127.0.0.1:${port}`, `localhost:${port}`], SERVICE);
    if (refusal !== undefined) return refuseCaller(request, response, refusal);
    readDynamoDBBody(request).then(
      (body) => {
        if (body === undefined) return refuseOversizedBody(response);
        const problem = admitted(request, body);
        if (problem !== undefined) return dynamodbError(response, problem.type, { message: problem.message });
        // dynalite reads the body from the request stream: give it one that replays what was read.
        const replay = Object.assign(new PassThrough(), {
          headers: request.headers,
          method: request.method,
          url: request.url,
        });
        dynaliteHandler(replay as unknown as IncomingMessage, response);
        replay.end(body);
      },
      () => response.destroy(),
    );
  });
}
