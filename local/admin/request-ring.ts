/**
 * The recent requests the inspector shows: a fixed-size ring, so a local run that serves millions of
 * requests keeps only the last `capacity` traces in memory.
 */
import type { RequestRecord } from "../../lib/local-admin-client.js";

/** A bounded, newest-first store of request records. */
export interface RequestRing {
  push(record: RequestRecord): void;
  /** The kept records, newest first. */
  list(): RequestRecord[];
}

/**
 * Creates an empty ring keeping the last `capacity` records.
 */
export function createRequestRing(capacity = 500): RequestRing {
  const slots: RequestRecord[] = [];
  let next = 0;
  return {
    push(record) {
      slots[next] = record;
      next = (next + 1) % capacity;
    },
    list() {
      const newestFirst: RequestRecord[] = [];
      for (let i = 1; i <= slots.length; i++) {
        newestFirst.push(slots[(next - i + capacity) % capacity] as RequestRecord);
      }
      return newestFirst;
    },
  };
}
