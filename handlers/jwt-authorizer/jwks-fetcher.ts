/**
 * Downloads JWKS documents for aws-jwt-verify: over https with the library's own fetcher, and over
 * plain http only from the loopback interface, where the local run's test issuer serves its JWKS
 * (aws-jwt-verify's Node fetcher speaks https only).
 */
import { FetchError, NonRetryableFetchError } from "aws-jwt-verify/error";
import { type Fetcher, SimpleFetcher } from "aws-jwt-verify/https";
import { isLoopbackHost } from "./jwt-config.js";

/** How long a loopback JWKS download may take; the same bound as the library's https response timeout. */
const LOOPBACK_TIMEOUT_MS = 3000;

/**
 * A fetcher for https URLs and loopback http URLs; any other URL fails with a
 * `NonRetryableFetchError`, which the authorizer reports as 500 (never Allow).
 */
export class JwksFetcher implements Fetcher {
  private readonly https = new SimpleFetcher();

  async fetch(
    uri: string,
    requestOptions?: Record<string, unknown>,
    data?: ArrayBuffer,
  ): Promise<ArrayBuffer> {
    const url = new URL(uri);
    if (url.protocol === "https:") return this.https.fetch(uri, requestOptions, data);
    if (url.protocol !== "http:" || !isLoopbackHost(url.hostname)) {
      throw new NonRetryableFetchError(
        uri,
        "only https URLs, or http on the loopback interface, are fetched",
      );
    }
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(LOOPBACK_TIMEOUT_MS) });
    } catch (cause) {
      throw new FetchError(uri, (cause as Error).message);
    }
    if (response.status !== 200) {
      throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    }
    return response.arrayBuffer();
  }
}
