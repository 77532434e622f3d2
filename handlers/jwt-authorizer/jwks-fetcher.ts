/**
 * Downloads JWKS documents for aws-jwt-verify: over https, and over plain http only from the
 * loopback interface, where the local run's test issuer serves its JWKS.
 *
 * Redirects are refused (`redirect: "error"`): a JWKS URL that redirects could move the download to
 * another host — off the loopback interface, or from https to http — after the URL was checked. The
 * body is capped ({@link MAX_JWKS_BYTES}), so a hostile or broken endpoint cannot exhaust the
 * authorizer's memory. Every failure is a fetch error the authorizer reports as 500, never Allow.
 */
import { FetchError, NonRetryableFetchError } from "aws-jwt-verify/error";
import type { Fetcher } from "aws-jwt-verify/https";
import { isLoopbackHost } from "./jwt-config.js";

/** How long a JWKS download may take (aws-jwt-verify's own default response timeout). */
const TIMEOUT_MS = 3000;

/** Largest JWKS accepted: real key sets are a few KB; this leaves room for dozens of keys. */
export const MAX_JWKS_BYTES = 256 * 1024;

/**
 * A fetcher for https URLs and loopback http URLs, without redirects and with a size cap; any
 * other URL fails with a `NonRetryableFetchError` without connecting.
 */
export class JwksFetcher implements Fetcher {
  async fetch(uri: string): Promise<ArrayBuffer> {
    const url = new URL(uri);
    const allowed = url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
    if (!allowed) {
      throw new NonRetryableFetchError(
        uri,
        "only https URLs, or http on the loopback interface, are fetched",
      );
    }
    let response: Response;
    try {
      response = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (cause) {
      // A redirect surfaces here as a TypeError ("unexpected redirect"); it will not change on retry.
      const message = describeFailure(cause);
      if (/redirect/i.test(message)) throw new NonRetryableFetchError(uri, `redirect refused: ${message}`);
      throw new FetchError(uri, message);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    }
    return readCapped(uri, response);
  }
}

/** The body, refusing one larger than MAX_JWKS_BYTES (by Content-Length up front, else while reading). */
async function readCapped(uri: string, response: Response): Promise<ArrayBuffer> {
  const tooLarge = () => new NonRetryableFetchError(uri, `the JWKS is larger than ${MAX_JWKS_BYTES} bytes`);
  if (Number(response.headers.get("content-length") ?? 0) > MAX_JWKS_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return new ArrayBuffer(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_JWKS_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body.buffer;
}

function describeFailure(cause: unknown): string {
  const error = cause as { message?: string; cause?: { message?: string } };
  return [error?.message, error?.cause?.message].filter(Boolean).join(": ") || String(cause);
}
