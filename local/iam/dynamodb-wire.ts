/**
 * What every local DynamoDB endpoint says at its door, shared by the gate (dynamodb-gate.ts) and the
 * dynalite fallback's guard (../dynamodb/dynalite-guard.ts): refusing web pages and DNS rebinding
 * before a byte of the body is read, reading a bounded body, and answering in DynamoDB's own error
 * format.
 */
import { createHash, createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LocalDynamoDBCredentials } from "../../lib/aws/local-dynamodb.js";
import type { SignatureProblem } from "./sigv4.js";

/** DynamoDB's largest request is a 16 MB batch; a little more for the JSON around it. */
export const MAX_BODY_BYTES = 17 * 1024 * 1024;

/** DynamoDB's answer to each signature problem (each is HTTP 400). */
export const SIGNATURE_ERRORS: Record<SignatureProblem, { type: string; message: string }> = {
  MissingAuthenticationToken: {
    type: "com.amazon.coral.service#MissingAuthenticationTokenException",
    message: "Request is missing Authentication Token",
  },
  IncompleteSignature: {
    type: "com.amazon.coral.service#IncompleteSignatureException",
    message: "The request signature does not conform to AWS standards.",
  },
  UnrecognizedClient: {
    type: "com.amazon.coral.service#UnrecognizedClientException",
    message: "The security token included in the request is invalid.",
  },
  InvalidSignature: {
    type: "com.amazon.coral.service#InvalidSignatureException",
    message:
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  },
  SignatureExpired: {
    type: "com.amazon.coral.service#InvalidSignatureException",
    message: "Signature expired: the request's X-Amz-Date is more than 15 minutes from the current time.",
  },
};

/**
 * Why `service` will not even read this request (undefined when it may): a web page (`Origin`), a
 * CORS preflight, a `Host` other than its own loopback address (DNS rebinding), or not a POST.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 *
 * const ownHosts = ["127.0.0.1:8000", "localhost:8000"];
 * createServer((request, response) => {
 *   const refusal = callerRefusal(request, ownHosts, "the local DynamoDB gate");
 *   if (refusal !== undefined) refuseCaller(request, response, refusal);
 * });
 * ```
 */
export function callerRefusal(
  request: IncomingMessage,
  ownHosts: string[],
  service: string,
): string | undefined {
  if (request.method === "OPTIONS") return `${service} answers no CORS preflight`;
  if (request.headers.origin !== undefined) {
    return `${service} refuses calls from web pages (Origin: ${request.headers.origin})`;
  }
  const host = (request.headers.host ?? "").toLowerCase();
  if (!ownHosts.includes(host)) {
    return `${service} answers only Host ${ownHosts.join(" or ")} (got ${host || "none"})`;
  }
  if (request.method !== "POST")
    return `${service} forwards only DynamoDB API calls (POST), not ${request.method}`;
  return undefined;
}

/**
 * 403 with the refusal and no CORS headers: a page that sent the request cannot read even this. The
 * connection closes: its unread body would otherwise race the client's next request on it.
 */
export function refuseCaller(request: IncomingMessage, response: ServerResponse, refusal: string): void {
  response
    .writeHead(403, { "content-type": "application/json", connection: "close" })
    .end(JSON.stringify({ message: refusal }));
  request.resume();
}

/** The request's body, or undefined (the rest drained) when it is over {@link MAX_BODY_BYTES}. */
export function readDynamoDBBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners("data");
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** 413 for a body over {@link MAX_BODY_BYTES}. */
export function refuseOversizedBody(response: ServerResponse): void {
  response.writeHead(413, { "content-type": "application/json" });
  response.end(JSON.stringify({ message: `request body over ${MAX_BODY_BYTES} bytes` }));
}

/** DynamoDB's error response: 400, its JSON content type, a request id. */
export function dynamodbError(
  response: ServerResponse,
  type: string,
  message: { message: string } | { Message: string },
): void {
  const body = JSON.stringify({ __type: type, ...message });
  response.writeHead(400, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(body),
    "x-amzn-requestid": createHash("sha256")
      .update(`${Date.now()}${Math.random()}`)
      .digest("hex")
      .slice(0, 32),
  });
  response.end(body);
}

/**
 * The header the gate sends its forwarded calls with: it replaces the caller's key id and so breaks
 * the caller's signature, and DynamoDB Local reads only the key id, but the dynalite fallback's guard
 * needs to know the call came through the gate.
 */
export const GATE_PROOF_HEADER = "x-local-gate-proof";

/** A proof derived from the run's database secret (never the secret itself). */
export function gateProof(credentials: LocalDynamoDBCredentials): string {
  return createHmac("sha256", credentials.secretAccessKey).update("local DynamoDB gate").digest("hex");
}
