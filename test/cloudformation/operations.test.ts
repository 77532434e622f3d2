// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub strings contain ${...} literally.
/**
 * The template's operations and hardening (issue 13): alarms and their topic, the dashboard, the
 * reason-coded access log, the permissions boundary, the invoke roles' trust conditions, the JWT
 * parameters' https rule and the endpoint's TLS policy.
 */
import { expect } from "chai";
import { ofType, type Props, ref, resource, apiTemplate as template } from "../support/template.js";

const alarmTarget = [{ "Fn::If": ["HasAlarmTopicArn", ref("AlarmTopicArn"), ref("AlarmTopic")] }];

/** Each alarm the issue asks for: namespace, metric, what it watches, its threshold parameter. */
const ALARMS: Record<string, { metric: string; dimensions: Record<string, unknown>; threshold: string }> = {
  AuthorizerErrorsAlarm: {
    metric: "AWS/Lambda Errors",
    dimensions: { FunctionName: ref("AuthorizerFunction") },
    threshold: "AlarmAuthorizerErrorThreshold",
  },
  AuthorizerThrottlesAlarm: {
    metric: "AWS/Lambda Throttles",
    dimensions: { FunctionName: ref("AuthorizerFunction") },
    threshold: "AlarmThrottleThreshold",
  },
  AgentAuthorizerErrorsAlarm: {
    metric: "AWS/Lambda Errors",
    dimensions: { FunctionName: ref("AgentAuthorizerFunction") },
    threshold: "AlarmAuthorizerErrorThreshold",
  },
  AgentAuthorizerThrottlesAlarm: {
    metric: "AWS/Lambda Throttles",
    dimensions: { FunctionName: ref("AgentAuthorizerFunction") },
    threshold: "AlarmThrottleThreshold",
  },
  JwtAuthorizerErrorsAlarm: {
    metric: "AWS/Lambda Errors",
    dimensions: { FunctionName: ref("JwtAuthorizerFunction") },
    threshold: "AlarmAuthorizerErrorThreshold",
  },
  JwtAuthorizerThrottlesAlarm: {
    metric: "AWS/Lambda Throttles",
    dimensions: { FunctionName: ref("JwtAuthorizerFunction") },
    threshold: "AlarmThrottleThreshold",
  },
  Api5xxAlarm: {
    metric: "AWS/ApiGateway 5XXError",
    dimensions: { ApiName: ref("AWS::StackName"), Stage: ref("StageName") },
    threshold: "Alarm5xxThreshold",
  },
  ApiLatencyAlarm: {
    metric: "AWS/ApiGateway Latency",
    dimensions: { ApiName: ref("AWS::StackName"), Stage: ref("StageName") },
    threshold: "AlarmLatencyP99Ms",
  },
  TokenTableThrottlesAlarm: {
    metric: "AWS/DynamoDB ThrottledRequests",
    dimensions: { TableName: ref("TokenTable"), Operation: "GetItem" },
    threshold: "AlarmThrottleThreshold",
  },
  TokenTableSystemErrorsAlarm: {
    metric: "AWS/DynamoDB SystemErrors",
    dimensions: { TableName: ref("TokenTable"), Operation: "GetItem" },
    threshold: "AlarmAuthorizerErrorThreshold",
  },
};

describe("cloudformation/api.yaml: operations and hardening", () => {
  describe("alarms", () => {
    it("exist only with an alarm e-mail or topic, and the JWT ones only with the JWT authorizer", () => {
      expect(template.Conditions).to.deep.include({
        HasAlarmEmail: { "Fn::Not": [{ "Fn::Equals": [ref("AlarmEmail"), ""] }] },
        HasAlarmTopicArn: { "Fn::Not": [{ "Fn::Equals": [ref("AlarmTopicArn"), ""] }] },
        HasAlarms: { "Fn::Or": [{ Condition: "HasAlarmEmail" }, { Condition: "HasAlarmTopicArn" }] },
        CreateAlarmTopic: {
          "Fn::And": [{ Condition: "HasAlarms" }, { "Fn::Not": [{ Condition: "HasAlarmTopicArn" }] }],
        },
        HasJwtAuthorizerAlarms: {
          "Fn::And": [{ Condition: "HasAlarms" }, { Condition: "HasJwtAuthorizer" }],
        },
      });
      expect(template.Parameters?.AlarmEmail?.Default).to.equal("");
      expect(template.Parameters?.AlarmTopicArn?.Default).to.equal("");
      for (const [id, alarm] of ofType("AWS::CloudWatch::Alarm")) {
        expect(alarm.Condition, id).to.equal(id.startsWith("Jwt") ? "HasJwtAuthorizerAlarms" : "HasAlarms");
      }
    });

    it("the set of alarms is exactly the listed ones (a new alarm adds its row to ALARMS)", () => {
      expect(ofType("AWS::CloudWatch::Alarm").map(([id]) => id)).to.have.members(Object.keys(ALARMS));
    });

    for (const [id, expected] of Object.entries(ALARMS)) {
      it(`${id}: ${expected.metric}, threshold from ${expected.threshold}, to the topic, saying what to check first`, () => {
        const alarm = resource(id).Properties;
        expect(`${alarm.Namespace} ${alarm.MetricName}`).to.equal(expected.metric);
        const dimensions = Object.fromEntries(
          (alarm.Dimensions as { Name: string; Value: unknown }[]).map((d) => [d.Name, d.Value]),
        );
        expect(dimensions).to.deep.equal(expected.dimensions);
        expect(alarm.Threshold).to.deep.equal(ref(expected.threshold));
        expect(alarm.AlarmActions).to.deep.equal(alarmTarget);
        expect(alarm.OKActions).to.deep.equal(alarmTarget);
        expect(alarm.TreatMissingData).to.equal("notBreaching");
        expect(alarm.AlarmDescription).to.match(/Check first /);
        if (id === "ApiLatencyAlarm") expect(alarm.ExtendedStatistic).to.equal("p99");
        else expect(alarm.Statistic).to.equal("Sum");
      });
    }

    it("threshold parameters are numbers with defaults of at least 1", () => {
      for (const name of new Set(Object.values(ALARMS).map((alarm) => alarm.threshold))) {
        const parameter = template.Parameters?.[name];
        expect(parameter?.Type, name).to.equal("Number");
        expect(Number(parameter?.Default), name).to.be.at.least(1);
        expect(parameter?.MinValue, name).to.equal(1);
      }
    });

    it("publish to an SNS topic encrypted with a key of its own that CloudWatch of this account may use", () => {
      expect(resource("AlarmTopic").Condition).to.equal("CreateAlarmTopic");
      expect(resource("AlarmTopic").Properties.KmsMasterKeyId).to.deep.equal(ref("AlarmTopicKey"));
      const key = resource("AlarmTopicKey");
      expect(key.Condition).to.equal("CreateAlarmTopic");
      expect(key.Properties.EnableKeyRotation).to.equal(true);
      const statements = (key.Properties.KeyPolicy as { Statement: Props[] }).Statement;
      expect(statements.find((s) => s.Sid === "CloudWatchAlarmsOfThisAccountPublish")).to.deep.include({
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Condition: { StringEquals: { "aws:SourceAccount": ref("AWS::AccountId") } },
      });
      const topicPolicy = resource("AlarmTopicPolicy").Properties.PolicyDocument as { Statement: Props[] };
      expect(topicPolicy.Statement[0]).to.deep.include({
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Condition: { StringEquals: { "aws:SourceAccount": ref("AWS::AccountId") } },
      });
      expect(resource("AlarmEmailSubscription")).to.deep.include({ Condition: "HasAlarmEmail" });
      expect(resource("AlarmEmailSubscription").Properties).to.deep.include({
        Protocol: "email",
        Endpoint: ref("AlarmEmail"),
        TopicArn: alarmTarget[0],
      });
    });
  });

  describe("dashboard", () => {
    const [body, variables] = (
      resource("Dashboard").Properties.DashboardBody as { "Fn::Sub": [string, Props] }
    )["Fn::Sub"];
    // The body as CloudWatch receives it, with made-up values for the substitutions.
    const rendered = JSON.parse(body.replace(/\$\{([^}]+)\}/g, (_, name: string) => `sub-${name}`)) as {
      widgets: { properties: { title: string; metrics: unknown[][] } }[];
    };
    const widget = (title: string) => {
      const found = rendered.widgets.find((w) => w.properties.title === title);
      expect(found, title).to.not.equal(undefined);
      return JSON.stringify(found?.properties.metrics);
    };

    it("is valid JSON once substituted, with a widget for each thing the issue lists", () => {
      expect(widget("Requests")).to.include('"Count"');
      expect(widget("4XX and 5XX")).to.include('"4XXError"').and.include('"5XXError"');
      expect(widget("Latency (ms)")).to.include('"stat":"p50"').and.include('"stat":"p99"');
      expect(widget("Authorizer invocations and errors"))
        .to.include('"Invocations"')
        .and.include('"Errors"')
        .and.include("sub-AuthorizerFunction")
        .and.include("sub-AgentAuthorizerFunction")
        .and.include("sub-JwtAuthorizerName");
      expect(widget("Authorizer duration (ms)")).to.include('"Duration"');
      expect(widget("Token table: consumed reads")).to.include('"ConsumedReadCapacityUnits"');
      expect(widget("Token table: throttles and system errors (GetItem)"))
        .to.include('"ThrottledRequests"')
        .and.include('"SystemErrors"');
    });

    it("estimates the authorizer cache-hit rate as 1 - authorizer invocations / requests", () => {
      expect(widget("Authorizer cache-hit estimate (%)")).to.include(
        // FILL: an authorizer that is never called (or absent) counts 0, not "no data".
        '"expression":"100 * (1 - (FILL(token, 0) + FILL(agent, 0) + FILL(jwt, 0)) / requests)"',
      );
    });

    it("names the JWT authorizer only when it exists", () => {
      expect(variables).to.deep.equal({
        JwtAuthorizerName: {
          "Fn::If": ["HasJwtAuthorizer", ref("JwtAuthorizerFunction"), "no-jwt-authorizer"],
        },
      });
    });
  });

  describe("access log", () => {
    const format = (resource("Stage").Properties.AccessLogSetting as { Format: string }).Format;
    const fields = JSON.parse(format) as Record<string, string>;

    it("carries the authorizer's, the policy evaluation's and the integration's outcome", () => {
      expect(fields).to.include({
        status: "$context.status",
        errorType: "$context.error.responseType",
        errorMessage: "$context.error.message",
        validationError: "$context.error.validationErrorString",
        principalId: "$context.authorizer.principalId",
        authorizerStatus: "$context.authorizer.status",
        authorizerError: "$context.authorizer.error",
        authorizerLatency: "$context.authorizer.latency",
        authorizerIntegrationStatus: "$context.authorizer.integrationStatus",
        authorizeStatus: "$context.authorize.status",
        authorizeError: "$context.authorize.error",
        authorizeLatency: "$context.authorize.latency",
        integrationStatus: "$context.integration.status",
        integrationError: "$context.integration.error",
      });
    });

    it("holds only $context variables: never a header, a body or a token", () => {
      for (const value of Object.values(fields)) expect(value).to.match(/^\$context\.[A-Za-z.]+$/);
      expect(format).to.not.match(/header|Authorization|\$input/i);
    });
  });

  describe("IAM", () => {
    it("puts the optional permissions boundary on every role", () => {
      expect(template.Conditions?.HasPermissionsBoundary).to.deep.equal({
        "Fn::Not": [{ "Fn::Equals": [ref("PermissionsBoundary"), ""] }],
      });
      expect(template.Parameters?.PermissionsBoundary?.Default).to.equal("");
      const roles = ofType("AWS::IAM::Role");
      expect(roles.length).to.be.greaterThan(5);
      for (const [id, role] of roles) {
        expect(role.Properties.PermissionsBoundary, id).to.deep.equal({
          "Fn::If": ["HasPermissionsBoundary", ref("PermissionsBoundary"), ref("AWS::NoValue")],
        });
      }
    });

    it("lets API Gateway assume an invoke role only for this account's API (aws:SourceAccount, aws:SourceArn)", () => {
      const invokeRoles = ofType("AWS::IAM::Role").filter(([id]) => id.endsWith("InvokeRole"));
      expect(invokeRoles.map(([id]) => id)).to.have.members([
        "AuthorizerInvokeRole",
        "AgentAuthorizerInvokeRole",
        "JwtAuthorizerInvokeRole",
      ]);
      for (const [id, role] of invokeRoles) {
        const [statement] = (role.Properties.AssumeRolePolicyDocument as { Statement: Props[] }).Statement;
        expect(statement?.Condition, id).to.deep.equal({
          StringEqualsIfExists: { "aws:SourceAccount": ref("AWS::AccountId") },
          ArnLikeIfExists: {
            "aws:SourceArn": {
              "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*",
            },
          },
        });
      }
    });
  });

  describe("parameters and endpoint", () => {
    const matches = (name: string, value: string) =>
      new RegExp(template.Parameters?.[name]?.AllowedPattern as string).test(value);

    it("accepts only https:// for the JWT issuer, and for its JWKS URL except on the loopback interface", () => {
      expect(matches("JwtIssuer", "https://idp.example.com")).to.equal(true);
      expect(matches("JwtIssuer", "")).to.equal(true);
      expect(matches("JwtIssuer", "http://idp.example.com")).to.equal(false);
      expect(matches("JwtJwksUri", "https://idp.example.com/.well-known/jwks.json")).to.equal(true);
      expect(matches("JwtJwksUri", "http://127.0.0.1:41234/jwks.json")).to.equal(true);
      expect(matches("JwtJwksUri", "http://idp.example.com/jwks.json")).to.equal(false);
      expect(matches("JwtJwksUri", "http://127.0.0.1.evil.example/jwks.json")).to.equal(false);
    });

    it("refuses alarm and boundary values AWS would refuse later", () => {
      expect(matches("AlarmEmail", "ops@example.com")).to.equal(true);
      expect(matches("AlarmEmail", "not an address")).to.equal(false);
      expect(matches("AlarmTopicArn", "arn:aws:sns:eu-west-1:123456789012:paging")).to.equal(true);
      expect(matches("AlarmTopicArn", "paging")).to.equal(false);
      expect(
        matches("PermissionsBoundary", "arn:aws:iam::123456789012:policy/apigw-token-auth-boundary"),
      ).to.equal(true);
      expect(matches("PermissionsBoundary", "arn:aws:iam::aws:policy/AdministratorAccess")).to.equal(false);
    });

    it("makes the endpoint type and the strictest TLS policy explicit, in STRICT access mode", () => {
      const api = resource("Api").Properties;
      expect(api.EndpointConfiguration).to.deep.equal({ Types: ["REGIONAL"] });
      expect(api.SecurityPolicy).to.deep.equal(ref("TlsSecurityPolicy"));
      expect(api.EndpointAccessMode).to.equal("STRICT");
      expect(template.Parameters?.TlsSecurityPolicy?.Default).to.equal("SecurityPolicy_TLS13_1_3_2025_09");
    });
  });
});
