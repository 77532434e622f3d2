/**
 * The REQUEST authorizer for agents: an agent sends its id in `X-AgentID` and its token in
 * `X-Auth-Token`; the token's record in the token table must be an agent token bound to that id.
 *
 * Outcomes, as API Gateway turns them into responses:
 * - a missing header, a malformed token or agent id, an unknown or expired token, a token that is
 *   not an agent token or is bound to another agent → `Error("Unauthorized")` → 401;
 * - a valid pair → Allow for all the token's scopes (agent tokens carry `GET /agent/*`), with the
 *   agent id as principalId. API Gateway caches this per (agent id, token) for the authorizer TTL
 *   and re-evaluates it for every later method, so the policy covers every agent method;
 * - anything else (table unreachable, corrupt record) → another error → 500. Never Allow.
 */
import type { AuthorizerResult } from "../authorizer/token-authorizer.js";
import { UnauthorizedError } from "../shared/errors.js";
import { createLastUseRecorder, type LastUseOptions } from "../shared/last-use.js";
import { type ApiRoute, buildAllowPolicy } from "../shared/policy.js";
import { createTokenLookup, type TokenLookupOptions } from "../shared/token-lookup.js";
import { PRINCIPAL_ID_PATTERN } from "../shared/token-record.js";

/** The header carrying the agent's id (an identity source of the authorizer). */
export const AGENT_ID_HEADER = "X-AgentID";

/** The header carrying the agent's token (the other identity source). */
export const AGENT_TOKEN_HEADER = "X-Auth-Token";

/**
 * The scopes an agent token is issued with: every GET under `/agent` (tasks and metadata), so the
 * cached policy covers both methods whichever is called first.
 */
export const AGENT_TOKEN_SCOPES: readonly string[] = ["GET /agent/*"];

/** The parts of API Gateway's REQUEST authorizer event this authorizer reads. */
export interface RequestAuthorizerEvent {
  type: "REQUEST";
  methodArn: string;
  headers?: Record<string, string | undefined> | null;
}

/** What the authorizer needs from its environment: the token table lookup's and last-use settings. */
export type AgentAuthorizerOptions = TokenLookupOptions &
  Pick<LastUseOptions, "budgetMs"> & {
    /** The API's routes (from the template, built in): deeper routes a `{name}` scope does not grant are denied. */
    routes?: readonly ApiRoute[];
  };

/**
 * Creates the agent authorizer function bound to a table and client.
 *
 * @example
 * ```ts
 * import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
 * import { createLogger } from "../shared/logger.js";
 *
 * declare const documentClient: DynamoDBDocumentClient;
 * const authorize = createAgentAuthorizer({
 *   documentClient,
 *   tableName: "auth-token",
 *   logger: createLogger("agent-authorizer"),
 * });
 * const result = await authorize({
 *   type: "REQUEST",
 *   methodArn: "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/GET/agent/status",
 *   headers: { "X-AgentID": "agent-7", "X-Auth-Token": "abc123" },
 * });
 * // result.principalId === "agent-7"
 * ```
 */
export function createAgentAuthorizer(options: AgentAuthorizerOptions) {
  const { logger } = options;
  const findToken = createTokenLookup(options);
  const recordLastUse = createLastUseRecorder(options);

  return async function authorize(event: RequestAuthorizerEvent): Promise<AuthorizerResult> {
    const agentId = headerValue(event?.headers, AGENT_ID_HEADER);
    const token = headerValue(event?.headers, AGENT_TOKEN_HEADER);
    if (agentId === undefined || token === undefined) {
      const missing = agentId === undefined ? AGENT_ID_HEADER : AGENT_TOKEN_HEADER;
      logger.info("refused", { reason: `missing ${missing} header` });
      throw new UnauthorizedError(`missing ${missing} header`);
    }
    if (!PRINCIPAL_ID_PATTERN.test(agentId)) {
      // The value is the caller's input; only its length goes to the log.
      logger.info("refused", { reason: "malformed agent id", detail: `${agentId.length} characters` });
      throw new UnauthorizedError("malformed agent id");
    }
    const { record, tokenRef } = await findToken(token, { agentId });
    const refuse = (reason: string) => {
      logger.info("refused", { reason, token: tokenRef, agentId, boundTo: record.agentId });
      return new UnauthorizedError(reason);
    };
    if (record.agentId === undefined) throw refuse("not an agent token");
    if (record.agentId !== agentId) throw refuse("token bound to another agent");
    try {
      const result: AuthorizerResult = {
        principalId: agentId,
        policyDocument: buildAllowPolicy(event.methodArn, record.scopes, options.routes),
        context: record.context ?? {},
      };
      await recordLastUse(record, tokenRef, { agentId });
      logger.info("allowed", { token: tokenRef, agentId, scopes: record.scopes });
      return result;
    } catch (error) {
      logger.error("cannot authorize", { token: tokenRef, agentId, error });
      throw error;
    }
  };
}

/**
 * The value of a request header, looked up case-insensitively (HTTP/2 clients send lowercase
 * names, and API Gateway matches identity-source headers whatever their case); `undefined` when
 * absent or empty, which API Gateway treats as a missing identity source.
 */
export function headerValue(
  headers: Record<string, string | undefined> | null | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && typeof value === "string" && value !== "") return value;
  }
  return undefined;
}
