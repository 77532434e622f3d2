/**
 * Reading a request body under API Gateway's 10 MB payload limit, and under the local gateway's
 * cap on body bytes held at once by all requests in progress (so a burst of large uploads cannot
 * exhaust memory: past the cap a request is answered 429, like API Gateway's throttling).
 */
import type { IncomingMessage } from "node:http";

/** API Gateway's maximum payload size (10 MB). */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** Default cap on body bytes held at once by requests in progress. */
export const DEFAULT_MAX_CONCURRENT_BODY_BYTES = 64 * 1024 * 1024;

/** One request's share of the shared body budget. */
export interface BodyHold {
  /** Takes `bytes` more; false (and nothing taken) when that would pass the cap. */
  take(bytes: number): boolean;
  /** Gives back everything this request took (idempotent). */
  release(): void;
}

/** The gateway-wide budget of body bytes. */
export interface BodyBudget {
  hold(): BodyHold;
  /** Bytes held right now, for tests. */
  inUse(): number;
}

/**
 * A budget of `maxBytes` body bytes shared by concurrent requests: each request takes a hold,
 * reads its body against it, and releases it once answered.
 */
export function createBodyBudget(maxBytes: number): BodyBudget {
  let used = 0;
  return {
    inUse: () => used,
    hold() {
      let held = 0;
      return {
        take(bytes) {
          if (used + bytes > maxBytes) return false;
          used += bytes;
          held += bytes;
          return true;
        },
        release() {
          used -= held;
          held = 0;
        },
      };
    },
  };
}

/**
 * The body as UTF-8 text; `too-large` once it passes `limit`, `throttled` when the shared budget
 * cannot hold it (either way the rest is drained unread so the client can still read the answer).
 */
export function readBody(
  req: IncomingMessage,
  hold?: BodyHold,
  limit = MAX_PAYLOAD_BYTES,
): Promise<string | "too-large" | "throttled"> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limit) {
      req.resume();
      resolve("too-large");
      return;
    }
    // A declared length is taken up front, so a burst is refused before anything is buffered.
    if (hold && !hold.take(declared)) {
      req.resume();
      resolve("throttled");
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit || refused) return;
      // Bytes beyond the declared length (chunked bodies) are taken as they come.
      if (hold && size > declared && !hold.take(Math.min(chunk.length, size - declared))) {
        refused = true;
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > limit) resolve("too-large");
      else if (refused) resolve("throttled");
      else resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}
