/**
 * Agent tokens for the token CLI (`issue --agent-id ID`): a token bound to one agent id, which the
 * agents' REQUEST authorizer accepts only together with that id in `X-AgentID`.
 */
import { AGENT_TOKEN_SCOPES } from "../../handlers/agent-authorizer/agent-authorizer.js";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { parseScope } from "../../handlers/shared/scope.js";
import { PRINCIPAL_ID_PATTERN } from "../../handlers/shared/token-record.js";

/** The first path segment of every agent route. */
const AGENT_ROUTE_ROOT = "agent";

/** What an agent token is issued with, unless the command line says otherwise. */
export interface AgentTokenDefaults {
  /** The agent id: also the principalId the backend sees. */
  principalId: string;
  agentId: string;
  /** Every agent method, so the cached policy serves tasks and metadata alike. */
  scopes: string[];
}

/**
 * The issue options of a token for `agentId`; throws for an id that is not 1 to
 * 128 printable ASCII characters without spaces (the authorizer refuses such `X-AgentID` values).
 */
export function agentTokenDefaults(agentId: string): AgentTokenDefaults {
  if (!PRINCIPAL_ID_PATTERN.test(agentId)) {
    throw new ApigwTokenAuthError("--agent-id is not a valid agent id", {
      expected: "1 to 128 printable ASCII characters without spaces",
      actual: `${agentId.length} characters${/\s/.test(agentId) ? " with whitespace" : ""}`,
    });
  }
  return { principalId: agentId, agentId, scopes: [...AGENT_TOKEN_SCOPES] };
}

/**
 * Throws unless every scope stays inside the agent routes (`/agent` and below):
 * an agent token is only ever presented to the agents' REQUEST authorizer.
 */
export function assertAgentScopes(scopes: readonly string[]): void {
  const outside = scopes.filter((text) => {
    const { resourcePath } = parseScope(text);
    return resourcePath !== AGENT_ROUTE_ROOT && !resourcePath.startsWith(`${AGENT_ROUTE_ROOT}/`);
  });
  if (outside.length > 0) {
    throw new ApigwTokenAuthError("an agent token's scopes must stay inside the agent routes", {
      expected: `scopes under /${AGENT_ROUTE_ROOT} (default ${AGENT_TOKEN_SCOPES.join(", ")})`,
      actual: outside.join(", "),
    });
  }
}
