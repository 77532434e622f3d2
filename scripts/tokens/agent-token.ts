/**
 * Agent tokens for the token CLI (`issue --agent-id ID`): a token bound to one agent id, which the
 * agents' REQUEST authorizer accepts only together with that id in `X-AgentID`.
 */
import { AGENT_TOKEN_SCOPES } from "../../handlers/agent-authorizer/agent-authorizer.js";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { PRINCIPAL_ID_PATTERN } from "../../handlers/shared/token-record.js";

/** What an agent token is issued with, unless the command line says otherwise. */
export interface AgentTokenDefaults {
  /** The agent id: also the principalId the backend sees. */
  principalId: string;
  agentId: string;
  /** Every agent method, so the cached policy serves tasks and metadata alike. */
  scopes: string[];
}

/**
 * The issue options of a token for `agentId`; throws an ApigwTokenAuthError for an id that is not 1 to
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
