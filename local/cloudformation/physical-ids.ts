/**
 * The physical ids (what `Ref` returns) and attributes (what `Fn::GetAtt` returns) CloudFormation
 * would give a resource, made deterministic: a hash of the stack name and logical id replaces
 * AWS's random parts, so every local start of the same template gives the same ids.
 */
import { createHash } from "node:crypto";

/** What naming a resource needs. */
export interface NamingContext {
  stackName: string;
  logicalId: string;
  region: string;
  accountId: string;
  partition: string;
  urlSuffix: string;
  /** The resource's resolved properties. */
  properties: Record<string, unknown>;
}

/** A resource's identity. */
export interface ResourceIdentity {
  physicalId: string;
  attributes: Record<string, string>;
  /** Set for types without a rule here: their attributes are placeholders (intrinsics.ts). */
  placeholderAttributes?: boolean;
}

type Namer = (context: NamingContext) => ResourceIdentity;

/**
 * A short lowercase id from a hash of the stack, logical id and an optional salt, like the ids API
 * Gateway hands out (`a1b2c3d4e5`).
 */
export function deterministicId(stackName: string, logicalId: string, length = 10, salt = ""): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const digest = createHash("sha256").update(`${stackName}/${logicalId}/${salt}`).digest();
  return [...digest.subarray(0, length)].map((byte) => alphabet[byte % alphabet.length]).join("");
}

/** CloudFormation's generated names: `<stack>-<LogicalId>-<SUFFIX>`, cut to the service's limit. */
function generatedName(context: NamingContext, maxLength: number, lowercase = false): string {
  const suffix = deterministicId(context.stackName, context.logicalId, 12).toUpperCase();
  const prefix = `${context.stackName}-${context.logicalId}`.slice(0, maxLength - suffix.length - 1);
  const name = `${prefix}-${suffix}`;
  return lowercase ? name.toLowerCase() : name;
}

function named(property: string, maxLength: number, lowercase = false) {
  return (context: NamingContext): string => {
    const given = context.properties[property];
    return typeof given === "string" ? given : generatedName(context, maxLength, lowercase);
  };
}

function arn(context: NamingContext, service: string, resource: string, global = false): string {
  const region = global ? "" : context.region;
  return `arn:${context.partition}:${service}:${region}:${context.accountId}:${resource}`;
}

/** An API Gateway sub-resource whose Ref and id attribute are a short generated id. */
function apiGatewayId(attribute?: string, length = 6): Namer {
  return (context) => {
    const id = deterministicId(context.stackName, context.logicalId, length);
    return { physicalId: id, attributes: attribute ? { [attribute]: id } : {} };
  };
}

const NAMERS: Record<string, Namer> = {
  "AWS::ApiGateway::RestApi": (context) => ({
    physicalId: deterministicId(context.stackName, context.logicalId),
    attributes: {
      RestApiId: deterministicId(context.stackName, context.logicalId),
      RootResourceId: deterministicId(context.stackName, context.logicalId, 10, "root"),
    },
  }),
  "AWS::ApiGateway::Resource": apiGatewayId("ResourceId"),
  "AWS::ApiGateway::Authorizer": apiGatewayId("AuthorizerId"),
  "AWS::ApiGateway::Deployment": apiGatewayId("DeploymentId"),
  "AWS::ApiGateway::RequestValidator": apiGatewayId("RequestValidatorId"),
  "AWS::ApiGateway::GatewayResponse": apiGatewayId(),
  "AWS::ApiGateway::Method": (context) => ({
    physicalId: generatedName(context, 128),
    attributes: {},
  }),
  "AWS::ApiGateway::Model": (context) => ({
    physicalId: named("Name", 64)(context).replace(/[^A-Za-z0-9]/g, ""),
    attributes: {},
  }),
  "AWS::ApiGateway::Stage": (context) => ({
    physicalId: String(context.properties.StageName ?? generatedName(context, 128)),
    attributes: {},
  }),
  "AWS::ApiGateway::ApiKey": (context) => ({
    physicalId: deterministicId(context.stackName, context.logicalId, 10),
    attributes: { APIKeyId: deterministicId(context.stackName, context.logicalId, 10) },
  }),
  "AWS::ApiGateway::UsagePlan": apiGatewayId("Id"),
  "AWS::Lambda::Function": (context) => {
    const name = named("FunctionName", 64)(context);
    return { physicalId: name, attributes: { Arn: arn(context, "lambda", `function:${name}`) } };
  },
  "AWS::Lambda::Permission": (context) => ({ physicalId: generatedName(context, 128), attributes: {} }),
  "AWS::IAM::Role": (context) => {
    const name = named("RoleName", 64)(context);
    const path = typeof context.properties.Path === "string" ? context.properties.Path : "/";
    return {
      physicalId: name,
      attributes: {
        Arn: arn(context, "iam", `role${path}${name}`, true),
        RoleId: `AROA${deterministicId(context.stackName, context.logicalId, 17).toUpperCase()}`,
      },
    };
  },
  "AWS::IAM::Policy": (context) => ({ physicalId: generatedName(context, 128), attributes: {} }),
  "AWS::IAM::ManagedPolicy": (context) => {
    const name = named("ManagedPolicyName", 128)(context);
    return { physicalId: arn(context, "iam", `policy/${name}`, true), attributes: {} };
  },
  "AWS::Logs::LogGroup": (context) => {
    const name = named("LogGroupName", 512)(context);
    return { physicalId: name, attributes: { Arn: arn(context, "logs", `log-group:${name}:*`) } };
  },
  "AWS::DynamoDB::Table": (context) => {
    const name = named("TableName", 255)(context);
    const tableArn = arn(context, "dynamodb", `table/${name}`);
    const attributes: Record<string, string> = { Arn: tableArn };
    if (context.properties.StreamSpecification !== undefined) {
      attributes.StreamArn = `${tableArn}/stream/1970-01-01T00:00:00.000`;
    }
    return { physicalId: name, attributes };
  },
  "AWS::S3::Bucket": (context) => {
    const name = named("BucketName", 63, true)(context);
    return {
      physicalId: name,
      attributes: {
        Arn: `arn:${context.partition}:s3:::${name}`,
        DomainName: `${name}.s3.${context.urlSuffix}`,
        RegionalDomainName: `${name}.s3.${context.region}.${context.urlSuffix}`,
      },
    };
  },
  "AWS::SNS::Topic": (context) => {
    const name = named("TopicName", 256)(context);
    const topicArn = arn(context, "sns", name);
    return { physicalId: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
  },
  "AWS::SQS::Queue": (context) => {
    const name = named("QueueName", 80)(context);
    const url = `https://sqs.${context.region}.${context.urlSuffix}/${context.accountId}/${name}`;
    return {
      physicalId: url,
      attributes: { Arn: arn(context, "sqs", name), QueueName: name, QueueUrl: url },
    };
  },
  "AWS::CloudWatch::Alarm": (context) => {
    const name = named("AlarmName", 255)(context);
    return { physicalId: name, attributes: { Arn: arn(context, "cloudwatch", `alarm:${name}`) } };
  },
};

/**
 * The physical id and attributes of a resource. Types without a rule get a generated name and
 * placeholder attributes (a `Fn::GetAtt` on them resolves to a well-formed stand-in); types with a
 * rule refuse an attribute they do not have, naming the resource and attribute.
 */
export function nameResource(type: string, context: NamingContext): ResourceIdentity {
  const namer = NAMERS[type];
  return namer
    ? namer(context)
    : { physicalId: generatedName(context, 128), attributes: {}, placeholderAttributes: true };
}
