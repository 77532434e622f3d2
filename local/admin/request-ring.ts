/**
 * The recent requests the inspector shows: a fixed-size ring, so a local run that serves millions of
 * requests keeps only the last `capacity` traces in memory. It keeps each trace as the gateway made
 * it and builds the inspector's records only when they are listed: a request costs one slot, not a
 * copy (every object kept alive is work for the garbage collector, request after request).
 */
import type { RequestRecord } from "../../lib/local-admin-client.js";
import type { RequestTrace } from "../gateway/trace.js";
import { requestRecord } from "./request-record.js";

/** A bounded, newest-first store of request traces. */
export interface RequestRing {
  push(trace: RequestTrace): void;
  /** The kept requests as the inspector lists them, newest first. */
  list(): RequestRecord[];
}

/**
 * Creates an empty ring keeping the last `capacity` traces.
 */
export function createRequestRing(capacity = 500): RequestRing {
  const slots: RequestTrace[] = [];
  let next = 0;
  return {
    push(trace) {
      slots[next] = trace;
      next = (next + 1) % capacity;
    },
    list() {
      const newestFirst: RequestRecord[] = [];
      for (let i = 1; i <= slots.length; i++) {
        newestFirst.push(requestRecord(slots[(next - i + capacity) % capacity] as RequestTrace));
      }
      return newestFirst;
    },
  };
}
