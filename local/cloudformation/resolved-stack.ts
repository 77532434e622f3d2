/**
 * A CloudFormation stack as the local run sees it after "deploying" a template: every parameter
 * chosen, every condition decided, every intrinsic function replaced by its value, and every
 * resource given the physical id and attributes CloudFormation would give it.
 *
 * Produced by `resolveStack` (resolve-stack.ts); consumed by the local gateway, the Lambda runtime
 * and the embedded DynamoDB, so that none of them reads intrinsics themselves.
 */

/** One resource of the stack, its properties free of intrinsics. */
export interface ResolvedResource {
  /** The CloudFormation type, e.g. `AWS::Lambda::Function`. */
  type: string;
  /** The resource's Properties with every intrinsic resolved (`AWS::NoValue` entries removed). */
  properties: Record<string, unknown>;
  /** What `Ref` returns for this resource (a function name, a RestApi id, a table name, ...). */
  physicalId: string;
  /** What `Fn::GetAtt` returns, by attribute name (`Arn`, `RootResourceId`, ...). */
  attributes: Record<string, string>;
  /** The resource's Metadata, resolved like its properties (e.g. `BuildEntryPoint`). */
  metadata: Record<string, unknown>;
  /** A type the local run does not model: its GetAtt values are well-formed placeholders. */
  placeholderAttributes?: boolean;
}

/** A template resolved against parameters: what a deployed stack would hold. */
export interface ResolvedStack {
  stackName: string;
  region: string;
  accountId: string;
  /** Every parameter's value (default or override), as strings; list types joined by commas. */
  parameters: Record<string, string>;
  /** Resources by logical id; a resource whose Condition is false is absent. */
  resources: Record<string, ResolvedResource>;
  /** Outputs by logical id (an output whose Condition is false is absent). */
  outputs: Record<string, string>;
}

/**
 * The resources of one type, as `[logicalId, resource]` pairs in template order.
 */
export function resourcesOfType(stack: ResolvedStack, type: string): [string, ResolvedResource][] {
  return Object.entries(stack.resources).filter(([, resource]) => resource.type === type);
}
