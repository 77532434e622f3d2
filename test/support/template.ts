/**
 * Assertions helpers for the template tests (test/cloudformation/): the template loaded once as
 * CloudFormation reads it, its resources by logical id or type, a role's inline statements, and
 * the template "deployed" by the local resolver (every parameter, condition and intrinsic resolved)
 * for questions such as "which routes does this authorizer guard".
 */
import { expect } from "chai";
import {
  type CloudFormationTemplate,
  loadTemplate,
  type TemplateResource,
} from "../../lib/cloudformation/load-template.js";
import { resolveStack } from "../../local/cloudformation/resolve-stack.js";
import type { ResolvedResource, ResolvedStack } from "../../local/cloudformation/resolved-stack.js";

/** The template under test. */
export const TEMPLATE_FILE = "cloudformation/api.yaml";

/** The template, parsed once for every template test. */
export const apiTemplate: CloudFormationTemplate = loadTemplate(TEMPLATE_FILE);

/** The parameters without a default, which a resolved stack needs (the code keys `make deploy` sets). */
export const CODE_KEYS: Readonly<Record<string, string>> = {
  ArtifactBucket: "artifacts",
  AuthorizerCodeKey: "a.zip",
  UserCodeKey: "u.zip",
  AgentAuthorizerCodeKey: "aa.zip",
  AgentCodeKey: "ag.zip",
  JwtAuthorizerCodeKey: "j.zip",
  MeCodeKey: "m.zip",
};

/** A resource's properties, untyped: each test states the shape it relies on. */
export type Props = Record<string, unknown>;

/** A template resource with its properties. */
export type ResourceWithProps = TemplateResource & { Properties: Props };

/** The resource `logicalId` of the template; fails the test when there is none. */
export function resource(logicalId: string): ResourceWithProps {
  const found = apiTemplate.Resources[logicalId];
  expect(found, `resource ${logicalId}`).to.not.equal(undefined);
  return found as ResourceWithProps;
}

/** The properties of the resource `logicalId`. */
export function props(logicalId: string): Props {
  return resource(logicalId).Properties;
}

/** Every resource of a CloudFormation type, as `[logicalId, resource]`. */
export function ofType(type: string): [string, ResourceWithProps][] {
  return Object.entries(apiTemplate.Resources).filter(([, r]) => r.Type === type) as [
    string,
    ResourceWithProps,
  ][];
}

/** `{ Ref: name }`, as the template writes it. */
export const ref = (name: string) => ({ Ref: name });

/** `{ "Fn::GetAtt": [name, attribute] }`, as the template writes it. */
export const getAtt = (name: string, attribute: string) => ({ "Fn::GetAtt": [name, attribute] });

/** An IAM statement as the template writes it. */
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

/**
 * A role's inline statements with actions as sorted lists, so order and string/list form do not
 * matter. A statement's Condition is kept (so comparing the whole grant compares it too); the test
 * fails when the role has managed policies or a statement uses NotAction or NotResource.
 */
export function permissionsOf(
  roleId: string,
): { Effect: string; Action: string[]; Resource: unknown; Condition?: unknown }[] {
  const role = props(roleId);
  expect(role.ManagedPolicyArns, `${roleId} has no managed policies`).to.equal(undefined);
  const policies = (role.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
  return policies
    .flatMap((policy) => policy.PolicyDocument.Statement)
    .map(({ Effect, Action, Resource, Condition, ...rest }) => {
      expect(rest, `${roleId}: no NotAction/NotResource`).to.deep.equal({});
      return { Effect, Action: [Action].flat().sort(), Resource, ...(Condition ? { Condition } : {}) };
    });
}

/** The principals a role's trust policy lets assume it (each statement must be an sts:AssumeRole Allow). */
export function trustedServices(roleId: string): unknown[] {
  const statements = (props(roleId).AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
  return statements.map((s) => {
    expect(s).to.include({ Effect: "Allow", Action: "sts:AssumeRole" });
    return s.Principal;
  });
}

/** The properties of an `AWS::ApiGateway::Method`, typed as far as the tests read them. */
export function methodProps(logicalId: string) {
  return props(logicalId) as Props & {
    HttpMethod: string;
    AuthorizationType: string;
    AuthorizerId?: unknown;
    ResourceId: unknown;
    Integration: {
      Type: string;
      IntegrationHttpMethod?: string;
      Uri?: unknown;
      PassthroughBehavior?: string;
      RequestTemplates?: Record<string, string>;
      IntegrationResponses: {
        StatusCode: string;
        SelectionPattern?: string;
        ResponseParameters?: Record<string, unknown>;
        ResponseTemplates?: Record<string, string>;
      }[];
    };
    MethodResponses: { StatusCode: string; ResponseParameters?: Record<string, boolean> }[];
  };
}

/** The template as the local run deploys it, with {@link CODE_KEYS} and `overrides` as parameters. */
export function resolvedApiStack(overrides: Record<string, string> = {}): ResolvedStack {
  return resolveStack(apiTemplate, { parameterOverrides: { ...CODE_KEYS, ...overrides } });
}

/** The path of a resolved `AWS::ApiGateway::Resource` (by physical id) from the API root, e.g. `/user/{id}`. */
export function resourcePath(stack: ResolvedStack, resourceId: string): string {
  const found = Object.values(stack.resources).find(
    (r) => r.type === "AWS::ApiGateway::Resource" && r.physicalId === resourceId,
  );
  if (!found) return "";
  const { ParentId, PathPart } = found.properties as { ParentId: string; PathPart: string };
  return `${resourcePath(stack, ParentId)}/${PathPart}`;
}

/** The resolved methods an authorizer (by logical id) guards. */
export function methodsGuardedBy(stack: ResolvedStack, authorizerLogicalId: string): ResolvedResource[] {
  const authorizerId = stack.resources[authorizerLogicalId]?.physicalId;
  expect(authorizerId, `authorizer ${authorizerLogicalId}`).to.not.equal(undefined);
  return Object.values(stack.resources).filter(
    (r) => r.type === "AWS::ApiGateway::Method" && r.properties.AuthorizerId === authorizerId,
  );
}

/** A resolved method as `<VERB> <path>`, e.g. `GET /agent/tasks`. */
export function routeOf(stack: ResolvedStack, method: ResolvedResource): string {
  return `${method.properties.HttpMethod} ${resourcePath(stack, method.properties.ResourceId as string)}`;
}
