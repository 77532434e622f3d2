/**
 * Who may call the local DynamoDB gate: each function of the stack with credentials of its own (as
 * Lambda hands a function its role's session credentials) and its role's policies, plus one admin
 * key for the token CLI, `make start` and the tests, which IAM does not restrict (an operator's own
 * credentials). All keys are random per run; a reload of the template keeps the admin's and each
 * remaining function's, so requests in flight and the token CLI are not cut off. A function's own gate
 * (in its worker) accepts that function's key alone ({@link functionGateKeys}).
 */
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { generateLocalCredentials, type LocalDynamoDBCredentials } from "../../lib/aws/local-dynamodb.js";
import { type ResolvedStack, resourcesOfType } from "../cloudformation/resolved-stack.js";
import { type RolePolicies, rolePolicies } from "./role-policies.js";

/** A function calling through the gate. */
export interface FunctionPrincipal {
  kind: "function";
  logicalId: string;
  functionName: string;
  /** `arn:aws:sts::ACCOUNT:assumed-role/ROLE/FUNCTION`: the identity in AccessDenied messages. */
  sessionArn: string;
  /** The role's policies; a string says why they cannot be known (every call is then denied). */
  role: RolePolicies | string;
}

/** A caller of the gate. */
export type GatePrincipal = FunctionPrincipal | { kind: "admin" };

/** The keys a gate accepts. */
export interface GateKeys {
  /** The principal and secret of an access key id; undefined for a key the gate does not accept. */
  byAccessKeyId(accessKeyId: string): { principal: GatePrincipal; secret: string } | undefined;
}

/** The run's gate keys. */
export interface GatePrincipals extends GateKeys {
  admin: LocalDynamoDBCredentials;
  /** The credentials of a function, by logical id. */
  credentialsFor(logicalId: string): LocalDynamoDBCredentials | undefined;
}

/**
 * Keys for the admin and every function, with each function's role read from the template. An
 * AWS-managed policy the local run does not know stops start-up, naming it (role-policies.ts); a role
 * the template does not define leaves that function's DynamoDB calls denied, said once in `log`.
 *
 * @example
 * ```ts
 * import type { ResolvedStack } from "../cloudformation/resolved-stack.js";
 *
 * declare const stack: ResolvedStack;
 * const principals = createGatePrincipals(stack, console.log);
 * const userFunction = principals.credentialsFor("UserFunction");
 * ```
 */
export function createGatePrincipals(
  stack: ResolvedStack,
  log: (line: string) => void,
  previous?: GatePrincipals,
): GatePrincipals {
  const admin = previous?.admin ?? generateLocalCredentials();
  const byKey = new Map<string, { principal: GatePrincipal; secret: string }>([
    [admin.accessKeyId, { principal: { kind: "admin" }, secret: admin.secretAccessKey }],
  ]);
  const byFunction = new Map<string, LocalDynamoDBCredentials>();
  for (const [logicalId] of resourcesOfType(stack, "AWS::Lambda::Function")) {
    const principal = functionPrincipal(stack, logicalId);
    if (typeof principal.role === "string")
      log(`${logicalId}: ${principal.role}; its DynamoDB calls will be denied`);
    const credentials = previous?.credentialsFor(logicalId) ?? generateLocalCredentials();
    byFunction.set(logicalId, credentials);
    byKey.set(credentials.accessKeyId, { principal, secret: credentials.secretAccessKey });
  }
  return {
    admin,
    credentialsFor: (logicalId) => byFunction.get(logicalId),
    byAccessKeyId: (accessKeyId) => byKey.get(accessKeyId),
  };
}

/**
 * The keys of one function's own gate (in its worker thread): that function's key alone, with its
 * role as {@link createGatePrincipals} reads it (the run's gate has already said so for a role it
 * cannot know).
 *
 * @example
 * ```ts
 * import type { ResolvedStack } from "../cloudformation/resolved-stack.js";
 *
 * declare const stack: ResolvedStack;
 * declare const credentials: { accessKeyId: string; secretAccessKey: string };
 * const keys = functionGateKeys(stack, "UserFunction", credentials);
 * keys.byAccessKeyId(credentials.accessKeyId)?.principal; // { kind: "function", logicalId: "UserFunction", ... }
 * ```
 */
export function functionGateKeys(
  stack: ResolvedStack,
  logicalId: string,
  credentials: LocalDynamoDBCredentials,
): GateKeys {
  const key = { principal: functionPrincipal(stack, logicalId), secret: credentials.secretAccessKey };
  return { byAccessKeyId: (accessKeyId) => (accessKeyId === credentials.accessKeyId ? key : undefined) };
}

/** A function of the stack as a caller: its session identity and its role's policies (or why not known). */
function functionPrincipal(stack: ResolvedStack, logicalId: string): FunctionPrincipal {
  const fn = stack.resources[logicalId];
  if (fn?.type !== "AWS::Lambda::Function") {
    throw new ApigwTokenAuthError(`${logicalId} is not a function of this template`, {
      expected: "the logical id of an AWS::Lambda::Function",
      actual: fn ? `${logicalId} (${fn.type})` : `${logicalId} (absent)`,
    });
  }
  const roleArn = String(fn.properties.Role ?? "");
  const defined = resourcesOfType(stack, "AWS::IAM::Role").some(
    ([, role]) => role.attributes.Arn === roleArn,
  );
  const role: RolePolicies | string = defined
    ? rolePolicies(stack, roleArn)
    : `its role ${roleArn || "(none)"} is not defined in this template, so its policies cannot be known`;
  const roleName = typeof role === "string" ? roleArn.split("/").at(-1) || "unknown" : role.roleName;
  return {
    kind: "function",
    logicalId,
    functionName: fn.physicalId,
    sessionArn: `arn:aws:sts::${stack.accountId}:assumed-role/${roleName}/${fn.physicalId}`,
    role,
  };
}
