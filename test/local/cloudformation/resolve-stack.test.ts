// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are CloudFormation YAML, where ${...} is Fn::Sub syntax
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { parseTemplate } from "../../../lib/cloudformation/load-template.js";
import { resolveStack } from "../../../local/cloudformation/resolve-stack.js";
import { resourcesOfType } from "../../../local/cloudformation/resolved-stack.js";

/** A template with one topic whose TopicName is `value` (YAML), to test one intrinsic at a time. */
function resolveTopicName(value: string, header = "", overrides: Record<string, string> = {}): unknown {
  const template = parseTemplate(
    `${header}\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: ${value}\n`,
  );
  return resolveStack(template, { parameterOverrides: overrides }).resources.Topic?.properties.TopicName;
}

function resolutionError(run: () => unknown): ApigwTokenAuthError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(ApigwTokenAuthError);
    return error as ApigwTokenAuthError;
  }
  expect.fail("expected resolveStack to refuse the template");
}

describe("local/cloudformation/resolve-stack", () => {
  describe("pseudo parameters", () => {
    it("resolves StackName, Region, AccountId, Partition, URLSuffix and StackId", () => {
      const template = parseTemplate(
        [
          "Resources:",
          "  Topic:",
          "    Type: AWS::SNS::Topic",
          "    Properties:",
          '      TopicName: !Sub "${AWS::StackName}|${AWS::Region}|${AWS::AccountId}|${AWS::Partition}|${AWS::URLSuffix}"',
          "      Id: !Ref AWS::StackId",
        ].join("\n"),
      );
      const stack = resolveStack(template, {
        stackName: "s",
        region: "cn-north-1",
        accountId: "123456789012",
      });
      expect(stack.resources.Topic?.properties).to.deep.equal({
        TopicName: "s|cn-north-1|123456789012|aws-cn|amazonaws.com.cn",
        Id: "arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/s/local",
      });
    });

    it("drops a property or list item that is Ref AWS::NoValue", () => {
      const template = parseTemplate(
        "Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      A: !Ref AWS::NoValue\n      B: [x, !Ref AWS::NoValue, y]\n",
      );
      expect(resolveStack(template).resources.T?.properties).to.deep.equal({ B: ["x", "y"] });
    });

    it("refuses an unknown pseudo parameter, naming resource and property", () => {
      const error = resolutionError(() => resolveTopicName("!Ref AWS::Nope"));
      expect(error.message).to.contain("Resources.Topic.Properties.TopicName").and.contain("AWS::Nope");
    });
  });

  describe("parameters", () => {
    const header = [
      "Parameters:",
      "  Stage: {Type: String, Default: v1, AllowedValues: [v1, v2]}",
      "  Ttl: {Type: Number, Default: 300, MinValue: 0, MaxValue: 3600}",
      "  Name: {Type: String, Default: abc, AllowedPattern: '[a-z]+', MinLength: 2, MaxLength: 5, ConstraintDescription: lowercase letters}",
      "  Zones: {Type: CommaDelimitedList, Default: 'a, b,c'}",
      "  Required: {Type: String}",
    ].join("\n");
    const ok = { Required: "r" };

    it("uses defaults and overrides, and lists the values as strings", () => {
      const template = parseTemplate(`${header}\nResources:\n  T: {Type: AWS::SNS::Topic}\n`);
      const stack = resolveStack(template, { parameterOverrides: { ...ok, Ttl: "5" } });
      expect(stack.parameters).to.deep.equal({
        Stage: "v1",
        Ttl: "5",
        Name: "abc",
        Zones: "a,b,c",
        Required: "r",
      });
    });

    it("resolves a list parameter to a list", () => {
      expect(resolveTopicName("!Join ['-', !Ref Zones]", header, ok)).to.equal("a-b-c");
    });

    for (const [name, value, rule] of [
      ["Stage", "v3", "AllowedValues"],
      ["Ttl", "3601", "MaxValue"],
      ["Ttl", "-1", "MinValue"],
      ["Ttl", "soon", "Type Number"],
      ["Name", "ABC", "AllowedPattern"],
      ["Name", "a", "MinLength"],
      ["Name", "abcdef", "MaxLength"],
    ] as const) {
      it(`refuses ${name}=${value} (${rule})`, () => {
        const template = parseTemplate(`${header}\nResources:\n  T: {Type: AWS::SNS::Topic}\n`);
        const error = resolutionError(() =>
          resolveStack(template, { parameterOverrides: { ...ok, [name]: value } }),
        );
        expect(error.message).to.contain(`parameter ${name}`).and.contain(rule);
        expect(error.actual).to.equal(JSON.stringify(value));
      });
    }

    it("whole-matches AllowedPattern and quotes the ConstraintDescription", () => {
      const template = parseTemplate(`${header}\nResources:\n  T: {Type: AWS::SNS::Topic}\n`);
      const error = resolutionError(() =>
        resolveStack(template, { parameterOverrides: { ...ok, Name: "ab1" } }),
      );
      expect(error.message).to.contain("lowercase letters");
    });

    it("refuses a parameter without default or override", () => {
      const template = parseTemplate(`${header}\nResources:\n  T: {Type: AWS::SNS::Topic}\n`);
      expect(resolutionError(() => resolveStack(template)).message).to.equal(
        "parameter Required has no value",
      );
    });

    it("refuses an override of a parameter the template does not declare", () => {
      const template = parseTemplate(`${header}\nResources:\n  T: {Type: AWS::SNS::Topic}\n`);
      const error = resolutionError(() =>
        resolveStack(template, { parameterOverrides: { ...ok, Stagename: "v1" } }),
      );
      expect(error.message).to.contain("Stagename");
      expect(error.expected).to.contain("Stage");
    });

    it("refuses SSM parameter types", () => {
      const template = parseTemplate(
        "Parameters:\n  P: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /x}\nResources:\n  T: {Type: AWS::SNS::Topic}\n",
      );
      expect(resolutionError(() => resolveStack(template)).message).to.contain("parameter P");
    });
  });

  describe("intrinsic functions", () => {
    const header = "Parameters:\n  Env: {Type: String, Default: dev}\nMappings:\n  M: {dev: {size: small}}\n";

    const cases: [string, string, unknown][] = [
      ["Ref to a parameter", "!Ref Env", "dev"],
      ["Sub string form", '!Sub "${Env}-${AWS::Region}-${!Literal}"', "dev-us-east-1-${Literal}"],
      ["Sub list form", '!Sub ["${A}-${Env}", {A: !Ref AWS::AccountId}]', "000000000000-dev"],
      ["Join", "!Join [',', [a, !Ref Env, 3]]", "a,dev,3"],
      ["Select", "!Select [1, [a, b, c]]", "b"],
      ["Select with a string index", "!Select ['2', !Split [',', 'x,y,z']]", "z"],
      ["Split", "!Split ['/', 'a/b']", ["a", "b"]],
      ["FindInMap", "!FindInMap [M, !Ref Env, size]", "small"],
      ["FindInMap with DefaultValue", "!FindInMap [M, prod, size, {DefaultValue: big}]", "big"],
      ["Base64", "!Base64 hello", "aGVsbG8="],
      ["ToJsonString", "!ToJsonString {a: [1]}", '{"a":[1]}'],
      ["Length", "!Length [a, b]", 2],
    ];
    for (const [name, yaml, expected] of cases) {
      it(name, () => {
        expect(resolveTopicName(yaml, header)).to.deep.equal(expected);
      });
    }

    it("long form GetAtt with an intrinsic attribute name", () => {
      const template = parseTemplate(
        "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {QueueName: q}}\n  T: {Type: AWS::SNS::Topic, Properties: {X: {'Fn::GetAtt': [Q, !Sub Arn]}}}\n",
      );
      expect(resolveStack(template).resources.T?.properties.X).to.equal(
        "arn:aws:sqs:us-east-1:000000000000:q",
      );
    });

    for (const [fn, yaml] of [
      ["Fn::ImportValue", "!ImportValue other-stack-Export"],
      ["Fn::GetAZs", "!Select [0, !GetAZs '']"],
      ["Fn::Cidr", "!Cidr [10.0.0.0/16, 1, 8]"],
    ]) {
      it(`refuses ${fn}, naming the resource and property`, () => {
        const error = resolutionError(() => resolveTopicName(yaml as string));
        expect(error.message)
          .to.match(/^Resources\.Topic\.Properties\.TopicName/)
          .and.contain(fn as string);
      });
    }

    it("refuses Select out of range", () => {
      expect(resolutionError(() => resolveTopicName("!Select [3, [a]]")).expected).to.equal(
        "an integer from 0 to 0",
      );
    });

    it("refuses a missing mapping key", () => {
      expect(
        resolutionError(() => resolveTopicName("!FindInMap [M, prod, size]", header)).message,
      ).to.contain("M.prod.size");
    });

    it("refuses a Ref to a name that does not exist", () => {
      expect(resolutionError(() => resolveTopicName("!Ref Nothing")).message).to.contain("Nothing");
    });
  });

  describe("conditions", () => {
    const header = [
      "Parameters:",
      "  Env: {Type: String, Default: dev}",
      "  Count: {Type: Number, Default: 3}",
      "Conditions:",
      "  IsDev: !Equals [!Ref Env, dev]",
      "  IsThree: !Equals [!Ref Count, 3]",
      "  IsProd: !Not [!Condition IsDev]",
      "  Both: !And [!Condition IsDev, !Condition IsThree]",
      "  Either: !Or [!Condition IsProd, !Equals [a, b]]",
    ].join("\n");

    it("evaluates Equals (numbers as strings), Not, And, Or and Condition", () => {
      const yaml =
        "!Join [',', [!If [IsDev, d, p], !If [IsThree, t, f], !If [IsProd, p, d], !If [Both, b, n], !If [Either, e, n]]]";
      expect(resolveTopicName(yaml, header)).to.equal("d,t,d,b,n");
      expect(resolveTopicName(yaml, header, { Env: "prod" })).to.equal("p,t,p,n,e");
    });

    it("leaves out resources and outputs whose condition is false", () => {
      const template = parseTemplate(
        `${header}\nResources:\n  A: {Type: AWS::SNS::Topic, Condition: IsProd}\n  B: {Type: AWS::SNS::Topic, Condition: IsDev}\nOutputs:\n  OA: {Condition: IsProd, Value: !Ref A}\n  OB: {Condition: IsDev, Value: !GetAtt B.TopicName}\n`,
      );
      const stack = resolveStack(template);
      expect(Object.keys(stack.resources)).to.deep.equal(["B"]);
      expect(stack.outputs).to.deep.equal({ OB: stack.resources.B?.attributes.TopicName });
      expect(stack.outputs.OB).to.match(/^local-B-/);
    });

    it("refuses a Ref to a resource whose condition is false", () => {
      const template = parseTemplate(
        `${header}\nResources:\n  A: {Type: AWS::SNS::Topic, Condition: IsProd}\n  B: {Type: AWS::SNS::Topic, Properties: {X: !Ref A}}\n`,
      );
      expect(resolutionError(() => resolveStack(template)).message).to.contain("Condition IsProd is false");
    });

    it("refuses a condition cycle and an unknown condition", () => {
      const cyclic = parseTemplate(
        "Conditions:\n  A: !Not [!Condition A]\nResources:\n  T: {Type: AWS::SNS::Topic}\n",
      );
      expect(resolutionError(() => resolveStack(cyclic)).message).to.contain("refers to itself");
      expect(resolutionError(() => resolveTopicName("!If [Nope, a, b]")).message).to.contain(
        "unknown condition Nope",
      );
    });

    it("refuses a condition expression that is not one", () => {
      const bad = parseTemplate("Conditions:\n  A: !Equals [a]\nResources:\n  T: {Type: AWS::SNS::Topic}\n");
      expect(resolutionError(() => resolveStack(bad)).message).to.equal(
        "Conditions.A: not a condition expression",
      );
    });
  });

  describe("resources", () => {
    const template = parseTemplate(
      [
        "Resources:",
        "  Fn:",
        "    Type: AWS::Lambda::Function",
        "    Properties:",
        "      Role: !GetAtt Role.Arn",
        "      Environment: {Variables: {TABLE: !Ref Table, NAMED: !Ref Named}}",
        "  Named: {Type: AWS::Lambda::Function, Properties: {FunctionName: my-fn}}",
        "  Role: {Type: AWS::IAM::Role}",
        "  Table: {Type: AWS::DynamoDB::Table, Properties: {TableName: !Sub '${AWS::StackName}-users'}}",
        "  Generated: {Type: AWS::DynamoDB::Table}",
        "  Api: {Type: AWS::ApiGateway::RestApi}",
        "  Child:",
        "    Type: AWS::ApiGateway::Resource",
        "    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: user}",
        "  Logs: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: !Sub '/aws/lambda/${Fn}'}}",
      ].join("\n"),
    );

    it("resolves in dependency order and keeps template order", () => {
      const stack = resolveStack(template, { stackName: "demo" });
      expect(Object.keys(stack.resources)).to.deep.equal([
        "Fn",
        "Named",
        "Role",
        "Table",
        "Generated",
        "Api",
        "Child",
        "Logs",
      ]);
      const fn = stack.resources.Fn;
      expect(fn?.physicalId).to.match(/^demo-Fn-[A-Z0-9]{12}$/);
      expect(fn?.attributes.Arn).to.equal(`arn:aws:lambda:us-east-1:000000000000:function:${fn?.physicalId}`);
      expect(fn?.properties.Role).to.equal(stack.resources.Role?.attributes.Arn);
      expect(fn?.properties.Environment).to.deep.equal({
        Variables: { TABLE: "demo-users", NAMED: "my-fn" },
      });
      expect(stack.resources.Generated?.physicalId).to.match(/^demo-Generated-[A-Z0-9]{12}$/);
      expect(stack.resources.Table?.attributes.Arn).to.equal(
        "arn:aws:dynamodb:us-east-1:000000000000:table/demo-users",
      );
      expect(stack.resources.Logs?.physicalId).to.equal(`/aws/lambda/${fn?.physicalId}`);
    });

    it("gives the RestApi a deterministic 10-character id and a root resource id", () => {
      const first = resolveStack(template, { stackName: "demo" });
      const again = resolveStack(template, { stackName: "demo" });
      const other = resolveStack(template, { stackName: "other" });
      const api = first.resources.Api;
      expect(api?.physicalId).to.match(/^[a-z0-9]{10}$/);
      expect(again.resources.Api?.physicalId).to.equal(api?.physicalId);
      expect(other.resources.Api?.physicalId).to.not.equal(api?.physicalId);
      expect(first.resources.Child?.properties).to.deep.equal({
        RestApiId: api?.physicalId,
        ParentId: api?.attributes.RootResourceId,
        PathPart: "user",
      });
    });

    it("lists resources of a type", () => {
      const ids = resourcesOfType(resolveStack(template), "AWS::Lambda::Function").map(([id]) => id);
      expect(ids).to.deep.equal(["Fn", "Named"]);
    });

    it("refuses an unknown GetAtt attribute, naming resource, property and attribute", () => {
      const bad = parseTemplate(
        "Resources:\n  Api: {Type: AWS::ApiGateway::RestApi}\n  T: {Type: AWS::SNS::Topic, Properties: {X: !GetAtt Api.Nope}}\n",
      );
      const error = resolutionError(() => resolveStack(bad));
      expect(error.message).to.equal(
        "Resources.T.Properties.X.Fn::GetAtt: Api has no attribute Nope the local run can resolve",
      );
      expect(error.expected).to.equal("one of RestApiId, RootResourceId");
    });

    it("refuses a circular dependency", () => {
      const cyclic = parseTemplate(
        "Resources:\n  A: {Type: AWS::SNS::Topic, Properties: {X: !Ref B}}\n  B: {Type: AWS::SNS::Topic, DependsOn: A}\n",
      );
      expect(resolutionError(() => resolveStack(cyclic)).actual).to.equal("A → B → A");
    });

    it("refuses a Transform such as AWS::Serverless", () => {
      const sam = parseTemplate(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  T: {Type: AWS::SNS::Topic}\n",
      );
      expect(resolutionError(() => resolveStack(sam)).message).to.contain("AWS::Serverless");
    });
  });
});
