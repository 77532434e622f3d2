/**
 * The AWS-managed policies the local run knows, as data: what a role attaching them by ARN may do.
 *
 * AWS owns these documents and revises them; each entry below restates the published document's
 * statements (AWS Managed Policy Reference Guide), kept to the actions a local run can be asked
 * about — re-check against the guide when a local decision and a deployed one differ. A policy not in this table is refused by name rather than guessed: add its statements
 * here from the IAM console (Policies → the policy → JSON).
 */
import type { PolicyDocument } from "../../handlers/shared/policy.js";

const LOGS_WRITE = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];

function allowAll(actions: string[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] };
}

/** AWS-managed policies by path and name, as they appear after `arn:<partition>:iam::aws:policy/`. */
const AWS_MANAGED_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  "service-role/AWSLambdaBasicExecutionRole": allowAll(LOGS_WRITE),
  "service-role/AWSLambdaVPCAccessExecutionRole": allowAll([
    ...LOGS_WRITE,
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
  ]),
  "service-role/AWSLambdaDynamoDBExecutionRole": allowAll([
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
    ...LOGS_WRITE,
  ]),
  "service-role/AWSLambdaRole": allowAll(["lambda:InvokeFunction"]),
  "service-role/AmazonAPIGatewayPushToCloudWatchLogs": allowAll([
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
    "logs:PutLogEvents",
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
  ]),
  AWSXRayDaemonWriteAccess: allowAll([
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
  ]),
  CloudWatchLambdaInsightsExecutionRolePolicy: {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "logs:CreateLogGroup", Resource: "*" },
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: "arn:aws:logs:*:*:log-group:/aws/lambda-insights:*",
      },
    ],
  },
  // The DynamoDB policies also grant other services' read actions (CloudWatch, SNS, ...), which the
  // local run does not enforce; only their DynamoDB statements are kept.
  AmazonDynamoDBFullAccess: allowAll(["dynamodb:*"]),
  AmazonDynamoDBReadOnlyAccess: allowAll([
    "dynamodb:BatchGetItem",
    "dynamodb:Describe*",
    "dynamodb:GetItem",
    "dynamodb:GetResourcePolicy",
    "dynamodb:List*",
    "dynamodb:PartiQLSelect",
    "dynamodb:Query",
    "dynamodb:Scan",
  ]),
};

/**
 * The document of an AWS-managed policy ARN (any partition), or undefined when it is not an
 * AWS-managed ARN or not one this table knows.
 */
export function awsManagedPolicy(arn: string): PolicyDocument | undefined {
  const match = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn);
  const key = match?.[1];
  return key !== undefined && Object.hasOwn(AWS_MANAGED_POLICIES, key)
    ? AWS_MANAGED_POLICIES[key]
    : undefined;
}

/** The AWS-managed policy names the table knows, for refusal messages. */
export function knownAwsManagedPolicies(): string[] {
  return Object.keys(AWS_MANAGED_POLICIES);
}
