/**
 * What a template's IAM role may do, read from the resolved stack the way IAM assembles it: the
 * role's inline `Policies`, its `ManagedPolicyArns` (customer-managed policies of the same stack, or
 * AWS-managed ones from lib/iam's table), `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources
 * that name the role in `Roles`, and its `PermissionsBoundary`.
 *
 * Used by the local DynamoDB gate (a function's execution role) and the local gateway's invoke
 * permissions (an integration's `Credentials` role). Anything that cannot be known locally (a role
 * from another stack, an AWS-managed policy the table lacks) is refused by name at start-up.
 */

import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { awsManagedPolicy, knownAwsManagedPolicies } from "../../lib/iam/aws-managed-policies.js";
import { type ParsedPolicy, parsePolicy } from "../../lib/iam/policy-document.js";
import { type AccessDecision, type AccessRequest, evaluatePolicies } from "../../lib/iam/policy-evaluator.js";
import {
  type ResolvedResource,
  type ResolvedStack,
  resourcesOfType,
} from "../cloudformation/resolved-stack.js";

/** A role of the stack with every policy that applies to it. */
export interface RolePolicies {
  logicalId: string;
  /** The role's name (`Ref`), used as the session name's role part in AccessDenied messages. */
  roleName: string;
  roleArn: string;
  /** Identity policies: inline, attached managed, and separate policy resources. */
  policies: ParsedPolicy[];
  /** The permissions boundary, when the role has one: it caps what `policies` allow. */
  boundary: ParsedPolicy | undefined;
}

/**
 * The policies of the stack's role whose ARN (`Fn::GetAtt Role.Arn`) or name is `role`.
 */
export function rolePolicies(stack: ResolvedStack, role: string): RolePolicies {
  const roles = resourcesOfType(stack, "AWS::IAM::Role");
  const found = roles.find(
    ([, resource]) => resource.attributes.Arn === role || resource.physicalId === role,
  );
  if (found === undefined) {
    throw new ApigwTokenAuthError(
      `role ${role} is not defined in this template, so its policies cannot be known`,
      {
        expected: `the Arn of one of the template's roles (${roles.map(([id]) => id).join(", ") || "none"})`,
        actual: role,
      },
    );
  }
  const [logicalId, resource] = found;
  const where = `${logicalId} (AWS::IAM::Role)`;
  const policies = [
    ...inlinePolicies(resource, logicalId, where),
    ...stringList(resource.properties.ManagedPolicyArns, `${where}.ManagedPolicyArns`).map((arn) =>
      managedPolicy(stack, arn, `${where}.ManagedPolicyArns`),
    ),
    ...attachedPolicyResources(stack, resource.physicalId),
  ];
  const boundaryArn = resource.properties.PermissionsBoundary;
  const boundary =
    typeof boundaryArn === "string"
      ? managedPolicy(stack, boundaryArn, `${where}.PermissionsBoundary`)
      : undefined;
  return {
    logicalId,
    roleName: resource.physicalId,
    roleArn: resource.attributes.Arn ?? role,
    policies,
    boundary,
  };
}

/**
 * Decides a request for a role: its identity policies, capped by its permissions boundary (a Deny
 * in either wins; without the boundary's Allow, an identity Allow becomes an implicit deny).
 */
export function evaluateRole(role: RolePolicies, request: AccessRequest): AccessDecision {
  const identity = evaluatePolicies(role.policies, request);
  if (role.boundary === undefined || identity.decision === "ExplicitDeny") return identity;
  const boundary = evaluatePolicies([role.boundary], request);
  if (boundary.decision === "ExplicitDeny") return boundary;
  return boundary.decision === "Allow" ? identity : { decision: "ImplicitDeny" };
}

/** {@link evaluateRole} with each decision remembered: see {@link createRoleDecisionMemo}. */
export type RoleDecisionMemo = (role: RolePolicies, request: AccessRequest) => AccessDecision;

/**
 * A memo of {@link evaluateRole}: the decision for a role, action, resource and request context is
 * remembered, so the gate checks every call but evaluates each distinct one once. A role's policies
 * never change while it is in use (a reload builds new role objects, and the gate takes a new memo),
 * and the gate's request context holds nothing that changes between identical calls (no time, no
 * source address). Per role at most `maxPerRole` decisions; when full it starts again empty.
 *
 * @example
 * ```ts
 * declare const role: RolePolicies;
 * const decide = createRoleDecisionMemo();
 * const request = { action: "dynamodb:GetItem", resource: "arn:aws:dynamodb:us-east-1:000000000000:table/users" };
 * decide(role, request).decision === decide(role, request).decision; // the second from the memo
 * ```
 */
export function createRoleDecisionMemo(maxPerRole = 1024): RoleDecisionMemo {
  const byRole = new WeakMap<RolePolicies, Map<string, AccessDecision>>();
  return (role, request) => {
    let decisions = byRole.get(role);
    if (decisions === undefined) {
      decisions = new Map();
      byRole.set(role, decisions);
    }
    // JSON keeps the context's values apart by type and order: a memo key never stands for two requests.
    const key = JSON.stringify([request.action, request.resource, request.context ?? null]);
    let decision = decisions.get(key);
    if (decision === undefined) {
      decision = evaluateRole(role, request);
      if (decisions.size >= maxPerRole) decisions.clear();
      decisions.set(key, decision);
    }
    return decision;
  };
}

function inlinePolicies(resource: ResolvedResource, logicalId: string, where: string): ParsedPolicy[] {
  const inline = resource.properties.Policies ?? [];
  if (!Array.isArray(inline)) {
    throw new ApigwTokenAuthError(`${where}.Policies must be a list`, { actual: typeof inline });
  }
  return inline.map((entry, index) => {
    const { PolicyName, PolicyDocument } = (entry ?? {}) as Record<string, unknown>;
    if (typeof PolicyName !== "string") {
      throw new ApigwTokenAuthError(`${where}.Policies[${index}].PolicyName must be a string`, {
        actual: typeof PolicyName,
      });
    }
    return parsePolicy(PolicyDocument, `${logicalId}/${PolicyName}`);
  });
}

function managedPolicy(stack: ResolvedStack, arn: string, where: string): ParsedPolicy {
  const own = resourcesOfType(stack, "AWS::IAM::ManagedPolicy").find(
    ([, policy]) => policy.physicalId === arn,
  );
  if (own !== undefined) return parsePolicy(own[1].properties.PolicyDocument, own[0]);
  const document = awsManagedPolicy(arn);
  if (document === undefined) {
    throw new ApigwTokenAuthError(`${where}: ${arn} is not a policy the local run knows`, {
      expected: `an AWS::IAM::ManagedPolicy of this template, or one of the AWS-managed policies ${knownAwsManagedPolicies().join(", ")} (add others to lib/iam/aws-managed-policies.ts)`,
      actual: arn,
    });
  }
  return parsePolicy(document, arn.slice(arn.indexOf("policy/") + "policy/".length));
}

/** `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources that attach themselves to the role. */
function attachedPolicyResources(stack: ResolvedStack, roleName: string): ParsedPolicy[] {
  return Object.entries(stack.resources)
    .filter(
      ([, resource]) => resource.type === "AWS::IAM::Policy" || resource.type === "AWS::IAM::ManagedPolicy",
    )
    .filter(([id, resource]) => stringList(resource.properties.Roles, `${id}.Roles`).includes(roleName))
    .map(([id, resource]) => parsePolicy(resource.properties.PolicyDocument, id));
}

function stringList(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new ApigwTokenAuthError(`${where} must be a list of strings`, { actual: JSON.stringify(value) });
  }
  return value;
}
