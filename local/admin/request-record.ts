/**
 * A request's decision trace as the inspector lists it: the columns (principal, cache, decision,
 * reason) lifted out of the trace, the trace kept whole for the detail view.
 */
import type { RequestRecord } from "../../lib/local-admin-client.js";
import type { RequestTrace } from "../gateway/trace.js";

/**
 * The inspector's record of a traced request.
 */
export function requestRecord(trace: RequestTrace): RequestRecord {
  const record: RequestRecord = {
    requestId: trace.requestId,
    method: trace.method,
    path: trace.path,
    status: trace.status,
    time: trace.time,
    durationMs: trace.durationMs,
    trace,
  };
  const authorizer = trace.authorizer;
  if (authorizer?.principalId !== undefined) record.principalId = authorizer.principalId;
  if (authorizer?.cache === "hit" || authorizer?.cache === "miss") record.cache = authorizer.cache;
  if (authorizer?.decision) record.decision = authorizer.decision;
  if (trace.reason) record.reason = trace.reason;
  return record;
}
