/**
 * Who may call the local DynamoDB gate: each function of the stack with credentials of its own (as
 * Lambda hands a function its role's session credentials) and its role's policies, plus one admin
 * key for the token CLI, `make start` and the tests, which IAM does not restrict (an operator's own
 * credentials). All keys are random per run; a reload of the template keeps the admin's and each
 * remaining function's, so requests in flight and the token CLI are not cut off.
 */
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

/** The run's gate keys. */
export interface GatePrincipals {
  admin: LocalDynamoDBCredentials;
  /** The credentials of a function, by logical id. */
  credentialsFor(logicalId: string): LocalDynamoDBCredentials | undefined;
  /** The principal and secret of an access key id; undefined for a key not of this run. */
  byAccessKeyId(accessKeyId: string): { principal: GatePrincipal; secret: string } | undefined;
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
  const roleArns = new Set(resourcesOfType(stack, "AWS::IAM::Role").map(([, role]) => role.attributes.Arn));
  for (const [logicalId, fn] of resourcesOfType(stack, "AWS::Lambda::Function")) {
    const roleArn = String(fn.properties.Role ?? "");
    let role: RolePolicies | string;
    if (roleArns.has(roleArn)) {
      role = rolePolicies(stack, roleArn);
    } else {
      role = `its role ${roleArn || "(none)"} is not defined in this template, so its policies cannot be known`;
      log(`${logicalId}: ${role}; its DynamoDB calls will be denied`);
    }
    const roleName = typeof role === "string" ? roleArn.split("/").at(-1) || "unknown" : role.roleName;
    const credentials = previous?.credentialsFor(logicalId) ?? generateLocalCredentials();
    byFunction.set(logicalId, credentials);
    byKey.set(credentials.accessKeyId, {
      principal: {
        kind: "function",
        logicalId,
        functionName: fn.physicalId,
        sessionArn: `arn:aws:sts::${stack.accountId}:assumed-role/${roleName}/${fn.physicalId}`,
        role,
      },
      secret: credentials.secretAccessKey,
    });
  }
  return {
    admin,
    credentialsFor: (logicalId) => byFunction.get(logicalId),
    byAccessKeyId: (accessKeyId) => byKey.get(accessKeyId),
  };
}
