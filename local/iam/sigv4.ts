/**
 * Checking an AWS Signature Version 4 (`Authorization: AWS4-HMAC-SHA256 ...`) on a request to the
 * local DynamoDB gate. Every secret is the local run's own, so the gate recomputes the signature
 * exactly as AWS does (canonical request, string to sign, HMAC key chain) and compares; the body is
 * hashed here, never trusted from `x-amz-content-sha256`.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** A request as the gate received it. */
export interface SignedRequest {
  method: string;
  /** The path and query as sent (`/`, `/?a=b`). */
  url: string;
  /** Header names in lower case (Node's `IncomingMessage.headers`). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

/** Why a request is refused, in DynamoDB's own terms (each has its `__type` and HTTP 400). */
export type SignatureProblem =
  | "MissingAuthenticationToken"
  | "IncompleteSignature"
  | "UnrecognizedClient"
  | "InvalidSignature"
  | "SignatureExpired";

/** The verdict: the signer's access key id and the credential scope's region, or what is wrong. */
export type SignatureCheck =
  | { ok: true; accessKeyId: string; region: string }
  | { ok: false; problem: SignatureProblem; detail: string };

/** How far a request's `X-Amz-Date` may be from the gate's clock, as on AWS: 15 minutes. */
const MAX_SKEW_MS = 15 * 60 * 1000;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

/**
 * Verifies the request's SigV4 signature with the secret `secretFor` returns for its access key id
 * (undefined: not one of this run's keys).
 *
 * @example
 * ```ts
 * declare const request: SignedRequest;
 * const check = verifySigV4(request, (accessKeyId) => (accessKeyId === "LOCALADMIN" ? "secret" : undefined));
 * if (!check.ok) console.log(check.problem, check.detail);
 * ```
 */
export function verifySigV4(
  request: SignedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  now: number = Date.now(),
): SignatureCheck {
  const authorization = header(request, "authorization");
  if (authorization === undefined) {
    return { ok: false, problem: "MissingAuthenticationToken", detail: "no Authorization header" };
  }
  const match = AUTHORIZATION.exec(authorization.trim());
  if (!match) {
    return {
      ok: false,
      problem: "IncompleteSignature",
      detail: "Authorization is not an AWS4-HMAC-SHA256 signature",
    };
  }
  const [, accessKeyId = "", date = "", region = "", service = "", signedHeaderList = "", signature = ""] =
    match;
  const secret = secretFor(accessKeyId);
  if (secret === undefined) {
    return {
      ok: false,
      problem: "UnrecognizedClient",
      detail: `access key id ${accessKeyId} is not one of this run's`,
    };
  }
  const amzDate = header(request, "x-amz-date") ?? "";
  const signedAt = parseAmzDate(amzDate);
  const signedHeaders = signedHeaderList.split(";");
  if (Number.isNaN(signedAt) || !amzDate.startsWith(date) || !signedHeaders.includes("host")) {
    return {
      ok: false,
      problem: "IncompleteSignature",
      detail: "X-Amz-Date missing or not signed with Host",
    };
  }
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
    return {
      ok: false,
      problem: "SignatureExpired",
      detail: `signed at ${amzDate}, more than 15 minutes away`,
    };
  }
  const scope = `${date}/${region}/${service}/aws4_request`;
  const canonical = canonicalRequest(request, signedHeaders);
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonical)].join("\n");
  const expected = hmac(signingKey(secret, date, region, service), stringToSign);
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) {
    return { ok: false, problem: "InvalidSignature", detail: "the signature does not match this request" };
  }
  return { ok: true, accessKeyId, region };
}

/**
 * Signing keys already derived, by secret, date, region and service: the key changes only with
 * those (once a day per caller), so the four HMACs of its derivation run once, not per call. A key
 * derived from a wrong secret is a different entry and never matches a good one's signature. Bounded:
 * when full it starts again empty (a run has a handful of keys; only a flood of made-up scopes fills it).
 */
const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 256;

/** SigV4's key chain `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`. */
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${date}/${region}/${service}/${secret}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = hmac(`AWS4${secret}`, date);
    for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

/** The canonical request of SigV4 (the path is not re-encoded: DynamoDB requests go to `/`). */
function canonicalRequest(request: SignedRequest, signedHeaders: string[]): string {
  const [path = "/", query = ""] = request.url.split("?", 2);
  const canonicalQuery = query
    .split("&")
    .filter(Boolean)
    .map((pair) => pair.split("=", 2).map((part) => encodeRfc3986(decodeURIComponent(part ?? ""))))
    .sort(([a = "", x = ""], [b = "", y = ""]) => (a === b ? compare(x, y) : compare(a, b)))
    .map(([name = "", value = ""]) => `${name}=${value}`)
    .join("&");
  const headers = signedHeaders.map(
    (name) => `${name}:${(header(request, name) ?? "").trim().replace(/\s+/g, " ")}\n`,
  );
  return [
    request.method.toUpperCase(),
    path,
    canonicalQuery,
    headers.join(""),
    signedHeaders.join(";"),
    sha256Hex(request.body),
  ].join("\n");
}

function header(request: SignedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** `20260101T120000Z` → epoch milliseconds (NaN when malformed). */
function parseAmzDate(value: string): number {
  const fields = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)?.slice(1).map(Number);
  if (fields === undefined) return Number.NaN;
  const [year = Number.NaN, month = Number.NaN, day, hour, minute, second] = fields;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
