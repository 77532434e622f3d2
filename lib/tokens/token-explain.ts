/**
 * `token explain`: what our TOKEN authorizer and API Gateway would decide for one token on one
 * method, worked out with the very code they run — the token record's parser and expiry check, the
 * authorizer's policy builder (`buildAllowPolicy`) and the gateway's evaluator
 * (`explainAuthorizerPolicy`) — so the answer cannot drift from what the API does.
 */
import { fileURLToPath } from "node:url";
import { type DynamoDBDocumentClient, GetCommand, paginateScan } from "@aws-sdk/lib-dynamodb";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { formatMethodArn, type MethodArnParts } from "../../handlers/shared/method-arn.js";
import { type ApiRoute, buildAllowPolicy, type PolicyDocument } from "../../handlers/shared/policy.js";
import { SCOPE_VERBS } from "../../handlers/shared/scope.js";
import { digestPrefix, TOKEN_PATTERN } from "../../handlers/shared/token.js";
import {
  isExpired,
  parseTokenRecord,
  TOKEN_KEY_ATTRIBUTE,
  type TokenRecord,
} from "../../handlers/shared/token-record.js";
import { apiRoutes } from "../cloudformation/api-routes.js";
import { loadTemplate } from "../cloudformation/load-template.js";
import { explainAuthorizerPolicy } from "../iam/authorizer-policy.js";
import type { PolicyDecision } from "../iam/policy-evaluator.js";

/** The API and stage a method ARN is built on (`arn:<partition>:execute-api:<region>:<account>:<api>/<stage>`). */
export type ApiStage = Omit<MethodArnParts, "verb" | "resourcePath">;

/** What a token record lookup found. */
export type TokenLookup =
  | { found: true; record: TokenRecord }
  | { found: false; digestPrefix: string; problem?: string };

/** One statement of the policy and whether it applies to the method ARN. */
export interface ExplainedStatement {
  index: number;
  effect: "Allow" | "Deny";
  resources: string[];
  matched: boolean;
}

/** The explanation, as `token explain --json` prints it. */
export interface TokenExplanation {
  digestPrefix: string;
  /** `valid`, `expired`, `unknown` (no record: never issued, or revoked), `malformed` (fails the expression), `invalid-record`. */
  state: "valid" | "expired" | "unknown" | "malformed" | "invalid-record";
  principalId?: string;
  scopes?: string[];
  /** Epoch seconds; absent = never. */
  expiresAt?: number;
  /** `GET /user/x` */
  method: string;
  methodArn: string;
  /** The policy the authorizer would return (valid tokens only). */
  policy?: PolicyDocument;
  statements?: ExplainedStatement[];
  decision?: PolicyDecision;
  /** What the caller would get from the authorizer step: 401, 403, 500, or `allowed`. */
  outcome: "allowed" | 401 | 403 | 500;
  /** Why, in words. */
  reason: string;
}

/**
 * Parses `"<VERB> /<path>"` into a method ARN on `api`; throws ApigwTokenAuthError (a usage error)
 * when it is not one.
 */
export function methodArnFor(api: ApiStage, method: string): string {
  const match = /^([A-Za-z]+) (\/\S*)$/.exec(method.trim());
  const verb = match?.[1]?.toUpperCase();
  if (!match || !verb || verb === "*" || !(SCOPE_VERBS as readonly string[]).includes(verb)) {
    throw new ApigwTokenAuthError(`not a method: ${JSON.stringify(method)}`, {
      expected: `"<VERB> /<path>", e.g. "GET /user/x" (VERB one of ${SCOPE_VERBS.filter((v) => v !== "*").join(", ")})`,
      actual: JSON.stringify(method.slice(0, 100)),
    });
  }
  return formatMethodArn({ ...api, verb, resourcePath: (match[2] as string).slice(1) });
}

/**
 * The token record whose digest is `digest`, or whose digest starts with `prefix` (exactly one).
 */
export async function findTokenRecord(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: { digest: string } | { prefix: string },
): Promise<TokenLookup> {
  let item: Record<string, unknown> | undefined;
  if ("digest" in key) {
    const got = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { [TOKEN_KEY_ATTRIBUTE]: key.digest },
        ConsistentRead: true,
      }),
    );
    item = got.Item;
    if (!item) return { found: false, digestPrefix: digestPrefix(key.digest) };
  } else {
    if (!/^[0-9a-f]{6,64}$/.test(key.prefix)) {
      throw new ApigwTokenAuthError("invalid digest prefix", {
        expected: "6 to 64 lowercase hex characters, as token list shows them",
        actual: JSON.stringify(key.prefix.slice(0, 70)),
      });
    }
    const matches: Record<string, unknown>[] = [];
    for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) {
      for (const candidate of page.Items ?? []) {
        if (String(candidate[TOKEN_KEY_ATTRIBUTE]).startsWith(key.prefix)) matches.push(candidate);
      }
    }
    if (matches.length !== 1) {
      throw new ApigwTokenAuthError(
        matches.length === 0
          ? `no token has a digest starting with ${key.prefix} (never issued, or revoked)`
          : `${matches.length} tokens match ${key.prefix}: give more of the digest`,
        {
          expected: "a digest prefix of exactly one token (see token list)",
          actual: `${matches.length} matches`,
        },
      );
    }
    item = matches[0] as Record<string, unknown>;
  }
  try {
    return { found: true, record: parseTokenRecord(item) };
  } catch (error) {
    return {
      found: false,
      digestPrefix: digestPrefix(String(item[TOKEN_KEY_ATTRIBUTE])),
      problem: (error as Error).message,
    };
  }
}

/**
 * What the authorizer and the gateway would decide for the looked-up token on `methodArn`.
 *
 * @example
 * ```ts
 * import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
 *
 * declare const client: DynamoDBDocumentClient;
 * const lookup = await findTokenRecord(client, "local-auth-token", { prefix: "ba7816bf8f01" });
 * const api = { partition: "aws", region: "us-east-1", accountId: "123456789012", apiId: "abc", stage: "v1" };
 * const explanation = explainToken(lookup, methodArnFor(api, "GET /user/x"), Date.now() / 1000);
 * console.log(formatExplanation(explanation, "the local API")); // state, scopes, each statement, the decision
 * ```
 */
export function explainToken(
  lookup: TokenLookup,
  methodArn: string,
  nowSeconds: number,
  routes: readonly ApiRoute[] = projectRoutes(),
): TokenExplanation {
  const method = methodOf(methodArn);
  if (!lookup.found) {
    return lookup.problem
      ? {
          digestPrefix: lookup.digestPrefix,
          state: "invalid-record",
          method,
          methodArn,
          outcome: 500,
          reason: `the token's record is corrupt (${lookup.problem}): the authorizer fails, 500 AuthorizerConfigurationException`,
        }
      : {
          digestPrefix: lookup.digestPrefix,
          state: "unknown",
          method,
          methodArn,
          outcome: 401,
          reason:
            "no record for this token (never issued, or revoked): the authorizer answers Unauthorized, 401",
        };
  }
  const { record } = lookup;
  const base = {
    digestPrefix: digestPrefix(record.tokenDigest),
    principalId: record.principalId,
    scopes: record.scopes,
    ...(record.expiresAt !== undefined ? { expiresAt: record.expiresAt } : {}),
    method,
    methodArn,
  };
  if (isExpired(record, nowSeconds)) {
    const when = new Date((record.expiresAt as number) * 1000).toISOString();
    return {
      ...base,
      state: "expired",
      outcome: 401,
      reason: `the token expired at ${when}: the authorizer answers Unauthorized, 401`,
    };
  }
  // The routes the authorizers have built in, so a {name} scope's deeper routes are denied here too.
  const policy = buildAllowPolicy(methodArn, record.scopes, routes);
  const explanation = explainAuthorizerPolicy(policy, methodArn);
  const statements = explanation.statements.map(({ statement, matched }) => ({
    index: statement.index,
    effect: statement.effect,
    resources: statement.resources.patterns,
    matched,
  }));
  const decision = explanation.decision;
  const reason =
    decision === "Allow"
      ? `allowed by Statement[${explanation.statement?.index}] (scopes ${record.scopes.join(", ")})`
      : `${decision}: no statement of the policy names ${methodArn}; the token's scopes are ${record.scopes.join(", ")}`;
  return {
    ...base,
    state: "valid",
    policy,
    statements,
    decision,
    outcome: decision === "Allow" ? "allowed" : 403,
    reason,
  };
}

/**
 * The explanation for a token given on stdin that fails the IdentityValidationExpression: API
 * Gateway answers 401 without calling the authorizer (a `Bearer ` prefix is the usual cause).
 */
export function malformedToken(prefix: string, methodArn: string): TokenExplanation {
  return {
    digestPrefix: prefix,
    state: "malformed",
    method: methodOf(methodArn),
    methodArn,
    outcome: 401,
    reason: `the token fails IdentityValidationExpression ${TOKEN_PATTERN.source} (a "Bearer " prefix?): 401 before the authorizer is called`,
  };
}

/**
 * The explanation as the CLI prints it (no token, digest prefix only).
 */
export function formatExplanation(e: TokenExplanation, where: string): string {
  const lines = [
    `token ${e.digestPrefix}${e.principalId ? ` (principal ${e.principalId})` : ""} on ${e.method} — ${where}`,
  ];
  lines.push(
    `  state:     ${e.state}${e.expiresAt !== undefined ? ` (expires ${new Date(e.expiresAt * 1000).toISOString()})` : e.state === "valid" ? " (never expires)" : ""}`,
  );
  if (e.scopes) lines.push(`  scopes:    ${e.scopes.join(", ")}`);
  lines.push(`  method:    ${e.methodArn}`);
  for (const s of e.statements ?? []) {
    lines.push(
      `  statement: [${s.index}] ${s.effect} ${s.resources.join(", ")} — ${s.matched ? "matches" : "does not match"}`,
    );
  }
  const verdict = e.outcome === "allowed" ? "allowed (the integration runs)" : `${e.outcome}`;
  lines.push(`  decision:  ${e.decision ? `${e.decision} → ` : ""}${verdict}`);
  lines.push(`  why:       ${e.reason}`);
  return `${lines.join("\n")}\n`;
}

function methodOf(methodArn: string): string {
  const [, , verb, ...path] = methodArn.split(":").slice(5).join(":").split("/");
  return `${verb} /${path.join("/")}`;
}

let routesOfProject: ApiRoute[] | undefined;

/** The routes of this checkout's template: what `make package` builds into the authorizers. */
function projectRoutes(): ApiRoute[] {
  routesOfProject ??= apiRoutes(
    loadTemplate(fileURLToPath(new URL("../../cloudformation/api.yaml", import.meta.url))),
  );
  return routesOfProject;
}
