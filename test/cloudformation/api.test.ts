// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub strings contain ${...} literally.
/**
 * The template's security and contract properties (issue 2). Each assertion names a property that
 * would silently weaken the API if it regressed; the template is parsed as CloudFormation reads it.
 */
import { existsSync } from "node:fs";
import AjvDraft04 from "ajv-draft-04";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { TOKEN_PATTERN } from "../../handlers/shared/token.js";
import {
  TOKEN_EXPIRY_ATTRIBUTE,
  TOKEN_KEY_ATTRIBUTE,
  TOKEN_LAST_USED_ATTRIBUTE,
  TOKEN_PRINCIPAL_INDEX,
} from "../../handlers/shared/token-record.js";
import {
  BAD_REQUEST_PREFIX,
  BadRequestError,
  NOT_FOUND_PREFIX,
  UserNotFoundError,
} from "../../handlers/user/user-errors.js";
import { parseUserEvent } from "../../handlers/user/user-event.js";
import {
  parseUserInput,
  USER_ID_MAX_LENGTH,
  USER_ID_MIN_LENGTH,
  USER_ID_PATTERN,
  USER_NAME_MAX_LENGTH,
  USER_NAME_MIN_LENGTH,
  USER_NAME_PATTERN,
} from "../../handlers/user/user-input.js";
import { USER_KEY_ATTRIBUTE } from "../../handlers/user/user-store.js";
import { arnMatches } from "../../lib/iam/arn-match.js";
import { compileWholeMatch } from "../../local/gateway/java-regex.js";
import { renderTemplate, type TemplateInput } from "../../local/gateway/vtl.js";
import {
  apiTemplate,
  getAtt,
  methodProps,
  ofType,
  type Props,
  permissionsOf,
  props,
  ref,
  resource,
  trustedServices,
} from "../support/template.js";

const template = apiTemplate;
const resources = template.Resources;

const corsOrigin = { "Fn::Sub": "'${CorsAllowOrigin}'" };

/** The authorizers' one write: lastUsedAt (with the key) and nothing else, no values returned. */
const LAST_USED_ONLY = {
  Effect: "Allow",
  Action: ["dynamodb:UpdateItem"],
  Resource: getAtt("TokenTable", "Arn"),
  Condition: {
    "ForAllValues:StringEquals": { "dynamodb:Attributes": [TOKEN_KEY_ATTRIBUTE, TOKEN_LAST_USED_ATTRIBUTE] },
    StringEquals: { "dynamodb:ReturnValues": "NONE" },
  },
};
/** The path of a method's ResourceId (`{ Ref: <Resource> }` or the API root), e.g. `/user/{id}`. */
function pathOf(resourceId: unknown): string {
  const logicalId = (resourceId as { Ref?: string }).Ref;
  if (logicalId === undefined) return "/";
  const { ParentId, PathPart } = props(logicalId) as { ParentId: unknown; PathPart: string };
  const parent = (ParentId as { Ref?: string }).Ref === undefined ? "" : pathOf(ParentId);
  return `${parent}/${PathPart}`;
}

function templateInput(overrides: Partial<TemplateInput> = {}): TemplateInput {
  return {
    body: "",
    params: { path: {}, querystring: {}, header: {} },
    context: {},
    stageVariables: {},
    ...overrides,
  };
}

describe("cloudformation/api.yaml: the deployable core (issue 2)", () => {
  describe("parameters", () => {
    const parameters = template.Parameters ?? {};

    it("has the stage name v1 and an authorizer TTL of 300 within 0–3600 by default", () => {
      expect(parameters.StageName).to.include({ Type: "String", Default: "v1" });
      expect(parameters.AuthorizerTtlSeconds).to.include({
        Type: "Number",
        Default: 300,
        MinValue: 0,
        MaxValue: 3600,
      });
    });

    it("takes the artifact bucket and one code key per function, without defaults", () => {
      for (const name of ["ArtifactBucket", "AuthorizerCodeKey", "UserCodeKey"]) {
        expect(parameters[name], name).to.include({ Type: "String" });
        expect(parameters[name]).to.not.have.property("Default");
      }
    });

    it("describes every parameter and puts it in exactly one parameter group", () => {
      const iface = template.Metadata?.["AWS::CloudFormation::Interface"] as
        | { ParameterGroups: { Parameters: string[] }[] }
        | undefined;
      const groups = (iface?.ParameterGroups ?? []).flatMap((group) => group.Parameters);
      expect(groups).to.not.be.empty;
      for (const [name, parameter] of Object.entries(parameters)) {
        expect(parameter.Description, `${name} has a description`).to.be.a("string").and.not.equal("");
        expect(
          groups.filter((g) => g === name),
          `${name} is in one group`,
        ).to.have.length(1);
      }
      expect(groups.every((name) => name in parameters)).to.equal(true);
    });
  });

  describe("token table", () => {
    const table = () => props("TokenTable");

    it("is keyed by the token digest attribute the authorizer reads, on demand", () => {
      expect(table().KeySchema).to.deep.equal([{ AttributeName: TOKEN_KEY_ATTRIBUTE, KeyType: "HASH" }]);
      expect(table().AttributeDefinitions).to.deep.equal([
        { AttributeName: TOKEN_KEY_ATTRIBUTE, AttributeType: "S" },
        { AttributeName: "principalId", AttributeType: "S" },
      ]);
      expect(table().BillingMode).to.equal("PAY_PER_REQUEST");
      expect(table().TableName).to.deep.equal({ "Fn::Sub": "${AWS::StackName}-auth-token" });
    });

    it("has the principalId index the token store queries, with every attribute (rotation carries them over)", () => {
      expect(table().GlobalSecondaryIndexes).to.deep.equal([
        {
          IndexName: TOKEN_PRINCIPAL_INDEX,
          KeySchema: [{ AttributeName: "principalId", KeyType: "HASH" }],
          Projection: { ProjectionType: "ALL" },
        },
      ]);
    });

    it("expires records through TTL on the expiry attribute the authorizer checks", () => {
      expect(table().TimeToLiveSpecification).to.deep.equal({
        AttributeName: TOKEN_EXPIRY_ATTRIBUTE,
        Enabled: true,
      });
    });
  });

  describe("users table", () => {
    it("is keyed by the id attribute the user store writes, on demand", () => {
      const table = props("UserTable");
      expect(table.KeySchema).to.deep.equal([{ AttributeName: USER_KEY_ATTRIBUTE, KeyType: "HASH" }]);
      expect(table.AttributeDefinitions).to.deep.equal([
        { AttributeName: USER_KEY_ATTRIBUTE, AttributeType: "S" },
      ]);
      expect(table.BillingMode).to.equal("PAY_PER_REQUEST");
      expect(table.TableName).to.deep.equal({ "Fn::Sub": "${AWS::StackName}-users" });
    });
  });

  describe("every DynamoDB table", () => {
    it("has point-in-time recovery, encryption, deletion protection and is retained on delete and replace", () => {
      const tables = ofType("AWS::DynamoDB::Table");
      expect(tables.map(([id]) => id)).to.include.members(["TokenTable", "UserTable"]);
      for (const [id, table] of tables) {
        expect(table.DeletionPolicy, id).to.equal("Retain");
        expect(table.UpdateReplacePolicy, id).to.equal("Retain");
        expect(table.Properties.PointInTimeRecoverySpecification, id).to.deep.equal({
          PointInTimeRecoveryEnabled: true,
        });
        expect(table.Properties.SSESpecification, id).to.deep.equal({ SSEEnabled: true });
        expect(table.Properties.DeletionProtectionEnabled, id).to.equal(true);
      }
    });
  });

  describe("Lambda functions", () => {
    const functions = ofType("AWS::Lambda::Function");

    it("all run nodejs22.x, index.handler, from the artifact bucket at a code-key parameter", () => {
      expect(functions.length).to.be.greaterThan(1);
      for (const [id, fn] of functions) {
        expect(fn.Properties.Runtime, id).to.equal("nodejs22.x");
        expect(fn.Properties.Handler, id).to.equal("index.handler");
        const code = fn.Properties.Code as { S3Bucket: unknown; S3Key: { Ref: string } };
        expect(code.S3Bucket, id).to.deep.equal(ref("ArtifactBucket"));
        expect(template.Parameters?.[code.S3Key.Ref], `${id}'s code key parameter`).to.not.equal(undefined);
      }
    });

    it("all name an existing entry point for the build", () => {
      for (const [id, fn] of functions) {
        const entryPoint = fn.Metadata?.BuildEntryPoint as string;
        expect(entryPoint, id).to.match(/^handlers\/[a-z-]+\/index\.ts$/);
        expect(existsSync(entryPoint), entryPoint).to.equal(true);
      }
    });

    it("all log to their own log group, which has a retention", () => {
      const logGroups = new Set<string>();
      for (const [id, fn] of functions) {
        const logGroup = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
        expect(logGroups.has(logGroup), `${id} shares no log group`).to.equal(false);
        logGroups.add(logGroup);
        expect(resources[logGroup]?.Type).to.equal("AWS::Logs::LogGroup");
        expect(props(logGroup).RetentionInDays).to.deep.equal(ref("LogRetentionInDays"));
      }
    });

    it("have sensible memory and timeouts (the authorizer fails fast)", () => {
      for (const [id, fn] of functions) {
        expect(fn.Properties.MemorySize, id).to.be.within(128, 1769);
        expect(fn.Properties.Timeout, id).to.be.within(1, 29);
      }
      expect(props("AuthorizerFunction").Timeout).to.be.at.most(10);
    });

    it("get the table names through the environment variables the entry points read", () => {
      expect(props("AuthorizerFunction").Code).to.deep.equal({
        S3Bucket: ref("ArtifactBucket"),
        S3Key: ref("AuthorizerCodeKey"),
      });
      expect(props("UserFunction").Code).to.deep.equal({
        S3Bucket: ref("ArtifactBucket"),
        S3Key: ref("UserCodeKey"),
      });
      expect(props("AuthorizerFunction").Environment).to.deep.equal({
        Variables: { TOKEN_TABLE_NAME: ref("TokenTable"), LOG_LEVEL: "INFO" },
      });
      expect(props("UserFunction").Environment).to.deep.equal({
        Variables: { USER_TABLE_NAME: ref("UserTable"), LOG_LEVEL: "INFO" },
      });
    });
  });

  describe("token-audit table", () => {
    const audit = () => resource("TokenAuditTable");

    it("is kept, recoverable and encrypted: evidence outlives the stack", () => {
      expect(audit()).to.include({ DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
      expect(audit().Properties).to.deep.include({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
        BillingMode: "PAY_PER_REQUEST",
        TableName: { "Fn::Sub": "${AWS::StackName}-token-audit" },
      });
    });

    it("is keyed as lib/tokens/token-audit.ts writes and queries it (principal, then time)", () => {
      expect(audit().Properties.KeySchema).to.deep.equal([
        { AttributeName: "principalId", KeyType: "HASH" },
        { AttributeName: "auditId", KeyType: "RANGE" },
      ]);
    });

    it("is named by an output, as are the API id and stage whose authorizer cache the CLI flushes", () => {
      const outputs = template.Outputs as Record<string, { Value: unknown }>;
      expect(outputs.TokenAuditTableName?.Value).to.deep.equal(ref("TokenAuditTable"));
      expect(outputs.StageName?.Value).to.deep.equal(ref("Stage"));
      expect(outputs.ApiId?.Value).to.deep.equal(ref("Api"));
    });

    it("is written by no function: only the token CLI (and make start, make smoke) write audit records", () => {
      for (const [logicalId] of ofType("AWS::IAM::Role")) {
        expect(JSON.stringify(props(logicalId)), logicalId).to.not.contain("TokenAuditTable");
      }
    });
  });

  describe("least-privilege roles", () => {
    const logs = (logGroup: string) => ({
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: getAtt(logGroup, "Arn"),
    });

    it("pins the authorizer function's role: GetItem on the token table, an update of lastUsedAt only, its own logs", () => {
      expect(trustedServices("AuthorizerFunctionRole")).to.deep.equal([{ Service: "lambda.amazonaws.com" }]);
      expect(permissionsOf("AuthorizerFunctionRole")).to.deep.equal([
        { Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: getAtt("TokenTable", "Arn") },
        LAST_USED_ONLY,
        logs("AuthorizerLogGroup"),
      ]);
      expect(props("AuthorizerFunction").Role).to.deep.equal(getAtt("AuthorizerFunctionRole", "Arn"));
    });

    it("pins the agent authorizer's lastUsedAt update to the same attribute-limited grant", () => {
      expect(permissionsOf("AgentAuthorizerFunctionRole")).to.deep.include(LAST_USED_ONLY);
    });

    it("pins the user function's role: GetItem, UpdateItem and DeleteItem on the users table and its own logs, nothing else", () => {
      expect(trustedServices("UserFunctionRole")).to.deep.equal([{ Service: "lambda.amazonaws.com" }]);
      expect(permissionsOf("UserFunctionRole")).to.deep.equal([
        {
          Effect: "Allow",
          Action: ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:UpdateItem"],
          Resource: getAtt("UserTable", "Arn"),
        },
        logs("UserLogGroup"),
      ]);
      expect(props("UserFunction").Role).to.deep.equal(getAtt("UserFunctionRole", "Arn"));
    });

    it("pins the authorizer credentials role: invoke the authorizer function only, assumed by API Gateway only", () => {
      expect(trustedServices("AuthorizerInvokeRole")).to.deep.equal([
        { Service: "apigateway.amazonaws.com" },
      ]);
      expect(permissionsOf("AuthorizerInvokeRole")).to.deep.equal([
        { Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: getAtt("AuthorizerFunction", "Arn") },
      ]);
    });

    it("pins the user function's invoke permissions: PUT /user, GET and DELETE /user/* on this API's stage, no other route", () => {
      const sourceArns = ofType("AWS::Lambda::Permission")
        .filter(
          ([, p]) =>
            JSON.stringify(p.Properties.FunctionName) === JSON.stringify(getAtt("UserFunction", "Arn")),
        )
        .map(([, p]) => {
          expect(p.Properties).to.include({
            Action: "lambda:InvokeFunction",
            Principal: "apigateway.amazonaws.com",
          });
          return p.Properties.SourceArn;
        });
      const arn = "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/${StageName}";
      expect(sourceArns).to.have.deep.members([
        { "Fn::Sub": `${arn}/PUT/user` },
        { "Fn::Sub": `${arn}/GET/user/*` },
        { "Fn::Sub": `${arn}/DELETE/user/*` },
      ]);
    });

    it("lets API Gateway invoke every Lambda integration's function for that method (a Lambda::Permission matches its ARN)", () => {
      const stageArn =
        "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/${StageName}";
      const permissions = ofType("AWS::Lambda::Permission").map(([, p]) => ({
        functionId: (p.Properties.FunctionName as { "Fn::GetAtt": string[] })["Fn::GetAtt"][0],
        sourceArn: (p.Properties.SourceArn as { "Fn::Sub": string })["Fn::Sub"],
      }));
      const lambdaMethods = ofType("AWS::ApiGateway::Method").filter(([, m]) =>
        ["AWS", "AWS_PROXY"].includes((m.Properties.Integration as { Type: string }).Type),
      );
      expect(lambdaMethods.length).to.be.greaterThan(1);
      for (const [id, method] of lambdaMethods) {
        const uri = (method.Properties.Integration as { Uri: { "Fn::Sub": string } }).Uri["Fn::Sub"];
        const functionId = /functions\/\$\{(\w+)\.Arn\}/.exec(uri)?.[1];
        const methodArn = `${stageArn}/${method.Properties.HttpMethod}${pathOf(method.Properties.ResourceId)}`;
        const granted = permissions.some(
          (p) => p.functionId === functionId && arnMatches(p.sourceArn, methodArn),
        );
        expect(granted, `${id}: a Lambda::Permission for ${functionId} matching ${methodArn}`).to.equal(true);
      }
    });

    it("grants no role a wildcard action or resource", () => {
      for (const [id] of ofType("AWS::IAM::Role").filter(
        ([, role]) => role.Properties.Policies !== undefined,
      )) {
        for (const statement of permissionsOf(id)) {
          expect(
            statement.Action.some((action) => action.includes("*")),
            `${id} action`,
          ).to.equal(false);
          expect(JSON.stringify(statement.Resource), `${id} resource`).to.not.match(/"\*"|:\*"/);
        }
      }
    });
  });

  describe("TOKEN authorizer", () => {
    const authorizer = () => props("TokenAuthorizer");

    it("reads the Authorization header and pre-validates it with the same regex as TOKEN_PATTERN", () => {
      expect(authorizer()).to.include({
        Type: "TOKEN",
        IdentitySource: "method.request.header.Authorization",
      });
      expect(authorizer().IdentityValidationExpression).to.equal(TOKEN_PATTERN.source);
    });

    it("caches results for the AuthorizerTtlSeconds parameter", () => {
      expect(authorizer().AuthorizerResultTtlInSeconds).to.deep.equal(ref("AuthorizerTtlSeconds"));
    });

    it("invokes the authorizer function through the invoke-only role", () => {
      expect(authorizer().AuthorizerCredentials).to.deep.equal(getAtt("AuthorizerInvokeRole", "Arn"));
      expect(authorizer().AuthorizerUri).to.deep.equal({
        "Fn::Sub":
          "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AuthorizerFunction.Arn}/invocations",
      });
      expect(authorizer().RestApiId).to.deep.equal(ref("Api"));
    });
  });

  describe("methods", () => {
    const methods = ofType("AWS::ApiGateway::Method");
    const authorizerIds = new Set(ofType("AWS::ApiGateway::Authorizer").map(([id]) => id));

    it("every method except OPTIONS uses a custom authorizer of this template", () => {
      const secured = methods.filter(([, m]) => m.Properties.HttpMethod !== "OPTIONS");
      expect(secured.length).to.be.greaterThan(1);
      for (const [id, method] of secured) {
        expect(method.Properties.AuthorizationType, id).to.equal("CUSTOM");
        const authorizer = (method.Properties.AuthorizerId as { Ref?: string } | undefined)?.Ref;
        expect(authorizerIds.has(authorizer as string), `${id} authorizer ${authorizer}`).to.equal(true);
      }
    });

    it("pins the route set: every method of the template, by verb and path", () => {
      const routes = methods.map(([, m]) => `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId)}`);
      expect(routes.sort()).to.deep.equal([
        "DELETE /user/{id}",
        "GET /agent/metadata",
        "GET /agent/tasks",
        "GET /me",
        "GET /user/{id}",
        "OPTIONS /user",
        "OPTIONS /user/{id}",
        "PUT /user",
      ]);
    });

    it("the /user methods use the token authorizer", () => {
      for (const id of ["UserPutMethod", "UserGetMethod", "UserDeleteMethod"]) {
        expect(methodProps(id).AuthorizerId, id).to.deep.equal(ref("TokenAuthorizer"));
      }
      expect(methodProps("UserPutMethod")).to.include({ HttpMethod: "PUT" });
      expect(methodProps("UserPutMethod").ResourceId).to.deep.equal(ref("UserResource"));
      expect(methodProps("UserGetMethod")).to.include({ HttpMethod: "GET" });
      expect(methodProps("UserGetMethod").ResourceId).to.deep.equal(ref("UserIdResource"));
      expect(methodProps("UserDeleteMethod")).to.include({ HttpMethod: "DELETE" });
      expect(methodProps("UserDeleteMethod").ResourceId).to.deep.equal(ref("UserIdResource"));
      expect(props("UserResource").PathPart).to.equal("user");
      expect(props("UserIdResource")).to.deep.include({ PathPart: "{id}", ParentId: ref("UserResource") });
    });

    it("OPTIONS methods are unauthenticated MOCK preflights that list exactly their resource's methods", () => {
      const options = methods.filter(([, m]) => m.Properties.HttpMethod === "OPTIONS");
      expect(options.map(([id]) => id)).to.include.members(["UserOptionsMethod", "UserIdOptionsMethod"]);
      for (const [id] of options) {
        const method = methodProps(id);
        expect(method.AuthorizationType, id).to.equal("NONE");
        expect(method.Integration.Type, id).to.equal("MOCK");
        expect(method.Integration.RequestTemplates).to.deep.equal({
          "application/json": '{"statusCode": 200}',
        });
        const [response] = method.Integration.IntegrationResponses;
        const parameters = response?.ResponseParameters ?? {};
        const siblings = methods
          .filter(([, m]) => JSON.stringify(m.Properties.ResourceId) === JSON.stringify(method.ResourceId))
          .map(([, m]) => m.Properties.HttpMethod as string)
          .sort();
        expect(parameters["method.response.header.Access-Control-Allow-Methods"], id).to.equal(
          `'${siblings.join(",")}'`,
        );
        expect(parameters["method.response.header.Access-Control-Allow-Headers"], id).to.match(
          /Authorization/,
        );
        expect(parameters["method.response.header.Access-Control-Allow-Origin"], id).to.deep.equal(
          corsOrigin,
        );
        const declared = Object.keys(method.MethodResponses[0]?.ResponseParameters ?? {}).sort();
        expect(declared, `${id} method response declares its headers`).to.deep.equal(
          Object.keys(parameters).sort(),
        );
      }
    });

    it("every resource whose methods send CORS headers (meant for browsers) has an OPTIONS preflight", () => {
      const sendsCors = (m: Props) =>
        JSON.stringify(m.MethodResponses ?? []).includes("Access-Control-Allow-Origin");
      const browserResources = new Set(
        methods
          .filter(([, m]) => sendsCors(m.Properties))
          .map(([, m]) => JSON.stringify(m.Properties.ResourceId)),
      );
      expect(browserResources.size).to.be.greaterThan(1);
      for (const resourceId of browserResources) {
        const verbs = methods
          .filter(([, m]) => JSON.stringify(m.Properties.ResourceId) === resourceId)
          .map(([, m]) => m.Properties.HttpMethod);
        expect(verbs, `${resourceId} has an OPTIONS method`).to.include("OPTIONS");
      }
    });

    it("PUT /user validates the body against the User model with a body validator", () => {
      const put = methodProps("UserPutMethod");
      expect(put.RequestModels).to.deep.equal({ "application/json": ref("UserModel") });
      const validatorId = (put.RequestValidatorId as { Ref: string }).Ref;
      expect(resources[validatorId]?.Type).to.equal("AWS::ApiGateway::RequestValidator");
      expect(props(validatorId).ValidateRequestBody).to.equal(true);
    });

    for (const id of ["UserPutMethod", "UserGetMethod", "UserDeleteMethod"]) {
      it(`${id} is a non-proxy Lambda integration on the user function that only maps JSON`, () => {
        const { Integration } = methodProps(id);
        expect(Integration).to.include({
          Type: "AWS",
          IntegrationHttpMethod: "POST",
          PassthroughBehavior: "NEVER",
        });
        expect(Integration.Uri).to.deep.equal({
          "Fn::Sub":
            "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${UserFunction.Arn}/invocations",
        });
        expect(Object.keys(Integration.RequestTemplates ?? {})).to.deep.equal(["application/json"]);
      });

      it(`${id} declares every integration status as a method response, all with the CORS origin header`, () => {
        const method = methodProps(id);
        const integrationStatuses = method.Integration.IntegrationResponses.map((r) => r.StatusCode).sort();
        expect(method.MethodResponses.map((r) => r.StatusCode).sort()).to.deep.equal(integrationStatuses);
        for (const response of method.Integration.IntegrationResponses) {
          expect(
            response.ResponseParameters?.["method.response.header.Access-Control-Allow-Origin"],
          ).to.deep.equal(corsOrigin);
        }
        for (const response of method.MethodResponses) {
          expect(response.ResponseParameters).to.have.property(
            "method.response.header.Access-Control-Allow-Origin",
          );
        }
      });
    }
  });

  describe("mapping templates agree with the user function", () => {
    const principalId = `o'brien"\\x`;
    const context = { authorizer: { principalId }, requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef" };

    it("PUT /user builds the putUser event, escaping the principal", () => {
      const body = JSON.stringify({ id: "bob", name: 'Bob "the builder" O\'Neil' });
      const text = renderTemplate(
        methodProps("UserPutMethod").Integration.RequestTemplates?.["application/json"] as string,
        templateInput({ body, context }),
      );
      const event = JSON.parse(text);
      expect(event).to.deep.equal({
        operation: "putUser",
        principalId,
        requestId: context.requestId,
        user: { id: "bob", name: 'Bob "the builder" O\'Neil' },
      });
      expect(parseUserEvent(event)).to.deep.equal(event);
    });

    it("GET /user/{id} builds the getUser event from the path parameter, escaped", () => {
      const text = renderTemplate(
        methodProps("UserGetMethod").Integration.RequestTemplates?.["application/json"] as string,
        templateInput({ context, params: { path: { id: `a"b'c` }, querystring: {}, header: {} } }),
      );
      expect(JSON.parse(text)).to.deep.equal({
        operation: "getUser",
        principalId,
        requestId: context.requestId,
        id: `a"b'c`,
      });
    });

    it("DELETE /user/{id} builds the deleteUser event from the path parameter, escaped", () => {
      const text = renderTemplate(
        methodProps("UserDeleteMethod").Integration.RequestTemplates?.["application/json"] as string,
        templateInput({ context, params: { path: { id: `a"b'c` }, querystring: {}, header: {} } }),
      );
      const event = JSON.parse(text);
      expect(event).to.deep.equal({
        operation: "deleteUser",
        principalId,
        requestId: context.requestId,
        id: `a"b'c`,
      });
      const valid = renderTemplate(
        methodProps("UserDeleteMethod").Integration.RequestTemplates?.["application/json"] as string,
        templateInput({ context, params: { path: { id: "bob" }, querystring: {}, header: {} } }),
      );
      expect(parseUserEvent(JSON.parse(valid))).to.deep.include({ operation: "deleteUser", id: "bob" });
    });
  });

  describe("integration responses select on the function's error message", () => {
    const messages: [string, string][] = [
      [new BadRequestError("name is required").message, "400"],
      [new BadRequestError(`id "x" has a quote's worth`).message, "400"],
      [new UserNotFoundError("bob").message, "404"],
      [new ApigwTokenAuthError("cannot read the users table").message, "500"],
      ["Task timed out after 10.01 seconds", "500"],
      ["Runtime exited with error: signal: killed", "500"],
      ["line one\nline two", "500"],
      [`${BAD_REQUEST_PREFIX}multi\nline`, "400"],
      [`wrapped ${BAD_REQUEST_PREFIX}not at the start`, "500"],
    ];

    const successStatus: Record<string, string> = {
      UserPutMethod: "204",
      UserGetMethod: "200",
      UserDeleteMethod: "204",
    };
    for (const id of Object.keys(successStatus)) {
      const responses = () => methodProps(id).Integration.IntegrationResponses;

      it(`${id}: exactly one response (the success one) has no pattern`, () => {
        const defaults = responses().filter((r) => r.SelectionPattern === undefined);
        expect(defaults.map((r) => r.StatusCode)).to.deep.equal([successStatus[id]]);
      });

      it(`${id}: patterns use no inline flags and map every error message to exactly one status`, () => {
        const patterned = responses().filter((r) => r.SelectionPattern !== undefined);
        for (const { SelectionPattern } of patterned) expect(SelectionPattern).to.not.match(/\(\?[a-z]/);
        for (const [message, status] of messages) {
          const expected = status === "404" && id === "UserPutMethod" ? "500" : status;
          if (status === "404" && id === "UserPutMethod") continue; // PUT never reports a missing user
          // Java `matches` (whole string) and `find` (anywhere) semantics must agree: no overlap either way.
          const whole = patterned.filter((r) =>
            (compileWholeMatch(r.SelectionPattern as string) as RegExp).test(message),
          );
          const anywhere = patterned.filter((r) => new RegExp(r.SelectionPattern as string).test(message));
          expect(
            whole.map((r) => r.StatusCode),
            JSON.stringify(message),
          ).to.deep.equal([expected]);
          expect(
            anywhere.map((r) => r.StatusCode),
            JSON.stringify(message),
          ).to.deep.equal([expected]);
        }
      });

      it(`${id}: the 400 response tells the reason, the 500 response hides the error`, () => {
        const byStatus = (status: string) =>
          responses().find((r) => r.StatusCode === status)?.ResponseTemplates?.["application/json"] as string;
        const errorBody = (errorMessage: string) =>
          templateInput({ body: JSON.stringify({ errorMessage, errorType: "Error", stackTrace: ["at x"] }) });
        const reason = `id must be "quoted" and isn't`;
        const rendered = renderTemplate(byStatus("400"), errorBody(new BadRequestError(reason).message));
        expect(JSON.parse(rendered)).to.deep.equal({ message: reason });
        expect(JSON.parse(renderTemplate(byStatus("500"), errorBody("secret internals")))).to.deep.equal({
          message: "Internal server error",
        });
      });
    }

    it("GET /user/{id} returns the user as JSON on success and a 404 for NotFound", () => {
      const responses = methodProps("UserGetMethod").Integration.IntegrationResponses;
      const user = { id: "bob", name: "Bob", createdAt: "t", createdBy: "a", updatedAt: "t", updatedBy: "a" };
      const ok = responses.find((r) => r.StatusCode === "200")?.ResponseTemplates?.[
        "application/json"
      ] as string;
      expect(JSON.parse(renderTemplate(ok, templateInput({ body: JSON.stringify(user) })))).to.deep.equal(
        user,
      );
      expect(responses.find((r) => r.StatusCode === "404")?.SelectionPattern).to.include(
        NOT_FOUND_PREFIX.trim(),
      );
    });

    it("DELETE /user/{id} answers 204 with no body and a 404 for NotFound", () => {
      const responses = methodProps("UserDeleteMethod").Integration.IntegrationResponses;
      const ok = responses.find((r) => r.StatusCode === "204");
      expect(renderTemplate(ok?.ResponseTemplates?.["application/json"] as string, templateInput())).to.equal(
        "",
      );
      expect(responses.find((r) => r.StatusCode === "404")?.SelectionPattern).to.include(
        NOT_FOUND_PREFIX.trim(),
      );
    });

    it("PUT /user answers 204 with no body", () => {
      const ok = methodProps("UserPutMethod").Integration.IntegrationResponses.find(
        (r) => r.StatusCode === "204",
      );
      expect(renderTemplate(ok?.ResponseTemplates?.["application/json"] as string, templateInput())).to.equal(
        "",
      );
    });
  });

  describe("the User model agrees with handlers/user/user-input.ts", () => {
    const schema = () =>
      props("UserModel").Schema as {
        $schema: string;
        type: string;
        required: string[];
        additionalProperties: boolean;
        properties: Record<string, { type: string; pattern: string; minLength: number; maxLength: number }>;
      };

    it("is a draft-04 object schema with exactly id and name, both required", () => {
      expect(props("UserModel")).to.include({ ContentType: "application/json" });
      expect(schema()).to.include({ $schema: "http://json-schema.org/draft-04/schema#", type: "object" });
      expect(schema().additionalProperties).to.equal(false);
      expect(schema().required).to.have.members(["id", "name"]);
      expect(Object.keys(schema().properties)).to.have.members(["id", "name"]);
    });

    it("uses the handler's id and name patterns and lengths", () => {
      expect(schema().properties.id).to.deep.equal({
        type: "string",
        minLength: USER_ID_MIN_LENGTH,
        maxLength: USER_ID_MAX_LENGTH,
        pattern: USER_ID_PATTERN.source,
      });
      expect(schema().properties.name).to.deep.equal({
        type: "string",
        minLength: USER_NAME_MIN_LENGTH,
        maxLength: USER_NAME_MAX_LENGTH,
        pattern: USER_NAME_PATTERN.source,
      });
    });

    it("accepts and refuses the same bodies as the handler", () => {
      const { $schema: _, ...draft04 } = schema();
      const validate = new AjvDraft04.default({ strict: false }).compile(draft04);
      const bodies: unknown[] = [
        { id: "bob", name: "Bob" },
        { id: "x".repeat(64), name: "🦄".repeat(128) },
        { id: "x".repeat(65), name: "Bob" },
        { id: "", name: "Bob" },
        { id: "a/b", name: "Bob" },
        { id: "bob", name: "" },
        { id: "bob", name: "🦄".repeat(129) },
        { id: "bob", name: "a\nb" },
        { id: "bob", name: "a\u202Eb" },
        { id: "bob", name: "a\u2028b" },
        { id: "bob", name: "a\u0085b" },
        { id: "bob", name: "a\uD800b" },
        { id: "bob", name: "a\u200Db" },
        { id: "bob", name: "e\u0301 \u{1F600}" },
        { id: "bob", name: "Bob", admin: true },
        { id: "bob" },
        { id: 1, name: "Bob" },
        [],
        "bob",
      ];
      for (const body of bodies) {
        let handlerAccepts = true;
        try {
          parseUserInput(body);
        } catch {
          handlerAccepts = false;
        }
        expect(validate(body), JSON.stringify(body).slice(0, 60)).to.equal(handlerAccepts);
      }
    });
  });

  describe("CORS on gateway errors", () => {
    for (const type of ["DEFAULT_4XX", "DEFAULT_5XX"]) {
      it(`${type} carries the CORS headers, so a browser can read a 401/403/5xx`, () => {
        const responses = ofType("AWS::ApiGateway::GatewayResponse").filter(
          ([, r]) => r.Properties.ResponseType === type,
        );
        expect(responses).to.have.length(1);
        const parameters = responses[0]?.[1].Properties.ResponseParameters as Props;
        expect(parameters["gatewayresponse.header.Access-Control-Allow-Origin"]).to.deep.equal(corsOrigin);
        expect(parameters["gatewayresponse.header.Access-Control-Allow-Headers"]).to.match(/Authorization/);
      });
    }
  });

  describe("deployment and stage", () => {
    it("the deployment waits for every method and gateway response (directly or through a wait handle)", () => {
      const dependsOn = [resource("Deployment").DependsOn ?? []].flat();
      const covered = new Set<string>(dependsOn);
      for (const name of dependsOn) {
        if (resources[name]?.Type === "AWS::CloudFormation::WaitConditionHandle") {
          for (const match of JSON.stringify(resources[name]?.Metadata ?? {}).matchAll(/"Ref":"(\w+)"/g)) {
            covered.add(match[1] as string);
          }
        }
      }
      for (const [id] of [
        ...ofType("AWS::ApiGateway::Method"),
        ...ofType("AWS::ApiGateway::GatewayResponse"),
      ]) {
        expect(covered.has(id), `Deployment depends on ${id}`).to.equal(true);
      }
    });

    it("the stage throttles, logs errors and metrics, and never traces request data (the token)", () => {
      const stage = props("Stage");
      expect(stage).to.deep.include({ StageName: ref("StageName"), DeploymentId: ref("Deployment") });
      expect(stage.MethodSettings).to.deep.equal([
        {
          ResourcePath: "/*",
          HttpMethod: "*",
          LoggingLevel: ref("ExecutionLogLevel"),
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: ref("ThrottlingRateLimit"),
          ThrottlingBurstLimit: ref("ThrottlingBurstLimit"),
        },
      ]);
    });

    it("the stage writes a JSON access log without header values to its own log group", () => {
      const { DestinationArn, Format } = props("Stage").AccessLogSetting as {
        DestinationArn: unknown;
        Format: string;
      };
      expect(DestinationArn).to.deep.equal(getAtt("AccessLogGroup", "Arn"));
      const fields = JSON.parse(Format) as Record<string, string>;
      expect(fields).to.include({
        requestId: "$context.requestId",
        principalId: "$context.authorizer.principalId",
      });
      expect(Format).to.not.match(/header|Authorization|\$input/i);
    });

    it("every log group has the retention parameter", () => {
      for (const [id, logGroup] of ofType("AWS::Logs::LogGroup")) {
        expect(logGroup.Properties.RetentionInDays, id).to.deep.equal(ref("LogRetentionInDays"));
      }
    });

    it("sets the account's API Gateway CloudWatch role only when asked, and retains it", () => {
      expect(resource("ApiGatewayAccount").Condition).to.equal("HasApiGatewayAccountRole");
      expect(resource("ApiGatewayCloudWatchRole")).to.include({
        Condition: "HasApiGatewayAccountRole",
        DeletionPolicy: "Retain",
        UpdateReplacePolicy: "Retain",
      });
      expect(template.Conditions?.HasApiGatewayAccountRole).to.deep.equal({
        "Fn::Equals": [ref("CreateApiGatewayAccountRole"), "true"],
      });
      expect(template.Parameters?.CreateApiGatewayAccountRole?.Default).to.equal("false");
      const handle = resource(resource("Stage").DependsOn as string);
      expect(handle.Metadata?.ApiGatewayAccount).to.deep.equal({
        "Fn::If": ["HasApiGatewayAccountRole", ref("ApiGatewayAccount"), ""],
      });
    });
  });

  describe("outputs", () => {
    for (const [name, value] of [
      ["ApiId", ref("Api")],
      ["TokenTableName", ref("TokenTable")],
      ["UserTableName", ref("UserTable")],
      ["ApiUrl", { "Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage}" }],
    ] as const) {
      it(`exports ${name} as \${AWS::StackName}-${name}`, () => {
        const output = template.Outputs?.[name];
        expect(output?.Value).to.deep.equal(value);
        expect(output?.Export).to.deep.equal({ Name: { "Fn::Sub": `\${AWS::StackName}-${name}` } });
        expect(output?.Description).to.be.a("string");
      });
    }
  });
});
