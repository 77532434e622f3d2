/**
 * Reading a request body under API Gateway's 10 MB payload limit.
 */
import type { IncomingMessage } from "node:http";

/** API Gateway's maximum payload size (10 MB). */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * The body as UTF-8 text, or `too-large` once it passes `limit` (the rest is drained unread so the
 * client can still read the 413).
 */
export function readBody(req: IncomingMessage, limit = MAX_PAYLOAD_BYTES): Promise<string | "too-large"> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"] ?? 0) > limit) {
      req.resume();
      resolve("too-large");
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limit ? "too-large" : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
