/**
 * Whether API Gateway may invoke a Lambda function, decided as AWS decides it, once per method and
 * authorizer at start-up (everything it depends on is in the template):
 * - without credentials, the function's resource policy must allow it: an `AWS::Lambda::Permission`
 *   for `lambda:InvokeFunction`, principal `apigateway.amazonaws.com`, the same function (and
 *   qualifier), and a `SourceArn` (if any) that matches the caller's ARN with IAM wildcards;
 * - with `Credentials` / `AuthorizerCredentials`, API Gateway assumes that role: its trust policy must
 *   let `apigateway.amazonaws.com` assume it, and its policies must allow `lambda:InvokeFunction` on
 *   the function (the project's IAM evaluator).
 *
 * The caller's ARN for an integration is the method's ARN in template form,
 * `arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/VERB/resource/{param}` (as AWS's execution logs show
 * it: the declared verb and path, not the request's); for an authorizer,
 * `arn:aws:execute-api:REGION:ACCOUNT:API/authorizers/AUTHORIZER_ID`.
 */
import { arnMatches, globMatches } from "../../lib/iam/arn-match.js";
import { describeDecision } from "../../lib/iam/policy-evaluator.js";
import { evaluateRole, rolePolicies } from "../iam/role-policies.js";
import type { InvokePermission } from "./api-model-types.js";
import type { ResolvedResource, ResolvedStack } from "./types.js";

/** Who invokes: the caller's source ARN and, when configured, the role API Gateway assumes. */
export interface InvokeCaller {
  sourceArn: string;
  credentials: string | undefined;
}

const INVOKE = "lambda:invokefunction";
const API_GATEWAY = "apigateway.amazonaws.com";

/**
 * Decides whether API Gateway may invoke `functionArn` for `caller`.
 */
export function invokePermission(
  stack: ResolvedStack,
  functionArn: string,
  caller: InvokeCaller,
): InvokePermission {
  return caller.credentials === undefined
    ? byResourcePolicy(stack, functionArn, caller)
    : byRole(stack, functionArn, caller.credentials);
}

function byResourcePolicy(stack: ResolvedStack, functionArn: string, caller: InvokeCaller): InvokePermission {
  const target = functionRef(functionArn);
  const permissions = Object.entries(stack.resources).filter(
    ([, r]) =>
      r.type === "AWS::Lambda::Permission" &&
      sameFunction(functionRef(String(r.properties.FunctionName ?? "")), target),
  );
  const granting = permissions.find(([, r]) => grants(r, stack.accountId, caller.sourceArn));
  if (granting !== undefined) {
    return { allowed: true, by: `AWS::Lambda::Permission ${granting[0]}${sourceOf(granting[1])}` };
  }
  const others = permissions.map(([id, r]) => `${id}${sourceOf(r)}`);
  return {
    allowed: false,
    missing:
      `no AWS::Lambda::Permission lets ${API_GATEWAY} invoke ${functionName(stack, functionArn)} from ` +
      `${caller.sourceArn} (${others.length === 0 ? "the function has none" : `it has ${others.join(", ")}`})`,
  };
}

function grants(permission: ResolvedResource, accountId: string, sourceArn: string): boolean {
  const p = permission.properties;
  const action = String(p.Action ?? "").toLowerCase();
  if (!globMatches(action, INVOKE)) return false;
  if (p.Principal !== API_GATEWAY && p.Principal !== "*") return false;
  if (p.SourceAccount !== undefined && String(p.SourceAccount) !== accountId) return false;
  return p.SourceArn === undefined || arnMatches(String(p.SourceArn), sourceArn);
}

function sourceOf(permission: ResolvedResource): string {
  const source = permission.properties.SourceArn;
  return source === undefined ? " (any source)" : ` (SourceArn ${String(source)})`;
}

function byRole(stack: ResolvedStack, functionArn: string, credentials: string): InvokePermission {
  const role = rolePolicies(stack, credentials);
  const resource = Object.values(stack.resources).find((r) => r.attributes.Arn === role.roleArn);
  if (!trustsApiGateway(resource?.properties.AssumeRolePolicyDocument)) {
    return {
      allowed: false,
      missing: `API Gateway does not have permission to assume the provided role ${role.roleArn} (its AssumeRolePolicyDocument does not allow ${API_GATEWAY} sts:AssumeRole)`,
    };
  }
  const decision = evaluateRole(role, { action: "lambda:InvokeFunction", resource: functionArn });
  if (decision.decision === "Allow") {
    return { allowed: true, by: `role ${role.logicalId}: ${describeDecision(decision)}` };
  }
  return {
    allowed: false,
    missing: `role ${role.logicalId} may not lambda:InvokeFunction ${functionName(stack, functionArn)} (${describeDecision(decision)})`,
  };
}

/** Whether a trust policy lets API Gateway assume the role (an Allow of sts:AssumeRole for the service). */
function trustsApiGateway(document: unknown): boolean {
  const raw = (document as { Statement?: unknown } | undefined)?.Statement;
  const statements = (Array.isArray(raw) ? raw : [raw]) as Record<string, unknown>[];
  return statements.some((s) => {
    if (s?.Effect !== "Allow") return false;
    const actions = [s.Action].flat().map((a) => String(a).toLowerCase());
    if (!actions.some((a) => globMatches(a, "sts:assumerole"))) return false;
    if (s.Principal === "*") return true;
    return [(s.Principal as { Service?: unknown } | undefined)?.Service].flat().includes(API_GATEWAY);
  });
}

interface FunctionRef {
  name: string;
  qualifier: string | undefined;
}

/** A function name, name:qualifier, partial ARN or ARN, reduced to name and qualifier. */
function functionRef(value: string): FunctionRef {
  const afterFunction = /(?:^|:)function:(.+)$/.exec(value)?.[1] ?? value;
  const [name = "", qualifier] = afterFunction.split(":");
  return { name, qualifier };
}

function sameFunction(a: FunctionRef, b: FunctionRef): boolean {
  return a.name === b.name && a.qualifier === b.qualifier;
}

function functionName(stack: ResolvedStack, functionArn: string): string {
  const target = functionRef(functionArn);
  const found = Object.entries(stack.resources).find(
    ([, r]) => r.type === "AWS::Lambda::Function" && r.physicalId === target.name,
  );
  return found === undefined ? functionArn : `${found[0]} (${functionArn})`;
}
