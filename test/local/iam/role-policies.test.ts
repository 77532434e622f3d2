import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { loadTemplate, parseTemplate } from "../../../lib/cloudformation/load-template.js";
import { resolveStack } from "../../../local/cloudformation/resolve-stack.js";
import { createRoleDecisionMemo, evaluateRole, rolePolicies } from "../../../local/iam/role-policies.js";

const ASSUME = `
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole`;

function stackOf(resources: string) {
  return resolveStack(parseTemplate(`Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n${resources}`));
}

describe("local/iam/role-policies", () => {
  it("reads the project template's user-function role: allows GetItem on its table, not Scan there nor GetItem on the token table", () => {
    const template = loadTemplate("cloudformation/api.yaml");
    // Every parameter without a default is a code location (bucket or key): any valid value will do.
    const undefaulted = Object.entries(template.Parameters ?? {}).filter(([, p]) => p.Default === undefined);
    const stack = resolveStack(template, {
      parameterOverrides: Object.fromEntries(
        undefaulted.map(([name]) => [name, name.endsWith("Bucket") ? "artifacts" : "code.zip"]),
      ),
    });
    const role = rolePolicies(stack, stack.resources.UserFunction?.properties.Role as string);
    expect(role.logicalId).to.equal("UserFunctionRole");
    expect(role.policies.map((policy) => policy.name)).to.deep.equal([
      "UserFunctionRole/read-write-users",
      "UserFunctionRole/write-own-logs",
    ]);
    const table = stack.resources.UserTable?.attributes.Arn as string;
    expect(evaluateRole(role, { action: "dynamodb:GetItem", resource: table }).decision).to.equal("Allow");
    expect(evaluateRole(role, { action: "dynamodb:Scan", resource: table }).decision).to.equal(
      "ImplicitDeny",
    );
    const tokens = stack.resources.TokenTable?.attributes.Arn as string;
    expect(evaluateRole(role, { action: "dynamodb:GetItem", resource: tokens }).decision).to.equal(
      "ImplicitDeny",
    );
  });

  it("adds AWS-managed, same-stack managed and separate policy resources, by role name", () => {
    const stack = stackOf(`
  Role:
    Type: AWS::IAM::Role
    Properties:${ASSUME}
      ManagedPolicyArns:
        - !Sub arn:\${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
        - !Ref Shared
  Shared:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{ Effect: Allow, Action: dynamodb:Query, Resource: !GetAtt Table.Arn }]
  Extra:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [!Ref Role]
      PolicyDocument:
        Statement: [{ Effect: Deny, Action: dynamodb:Query, Resource: "*" }]
`);
    const role = rolePolicies(stack, stack.resources.Role?.attributes.Arn as string);
    expect(role.policies.map((policy) => policy.name)).to.deep.equal([
      "service-role/AWSLambdaBasicExecutionRole",
      "Shared",
      "Extra",
    ]);
    const table = stack.resources.Table?.attributes.Arn as string;
    expect(
      evaluateRole(role, { action: "logs:PutLogEvents", resource: "arn:aws:logs:us-east-1:0:log-group:x" })
        .decision,
    ).to.equal("Allow");
    const query = evaluateRole(role, { action: "dynamodb:Query", resource: table });
    expect(query.decision).to.equal("ExplicitDeny");
    expect(query.statement?.policyName).to.equal("Extra");
  });

  it("caps the role with its permissions boundary", () => {
    const stack = stackOf(`
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{ Effect: Allow, Action: dynamodb:GetItem, Resource: "*" }]
  Role:
    Type: AWS::IAM::Role
    Properties:${ASSUME}
      PermissionsBoundary: !Ref Boundary
      Policies:
        - PolicyName: all
          PolicyDocument:
            Statement: [{ Effect: Allow, Action: "dynamodb:*", Resource: "*" }]
`);
    const role = rolePolicies(
      stack,
      "Role" in stack.resources ? (stack.resources.Role?.physicalId as string) : "",
    );
    const table = stack.resources.Table?.attributes.Arn as string;
    expect(evaluateRole(role, { action: "dynamodb:GetItem", resource: table }).decision).to.equal("Allow");
    expect(evaluateRole(role, { action: "dynamodb:PutItem", resource: table }).decision).to.equal(
      "ImplicitDeny",
    );
  });

  describe("the decision memo (the DynamoDB gate's)", () => {
    const ownRowsOnly = (action: string) =>
      stackOf(`
  Role:
    Type: AWS::IAM::Role
    Properties:${ASSUME}
      Policies:
        - PolicyName: own-rows
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ${action}
                Resource: !GetAtt Table.Arn
                Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": [alice] } }
`);
    const roleOf = (stack: ReturnType<typeof stackOf>) =>
      rolePolicies(stack, stack.resources.Role?.attributes.Arn as string);
    const getItem = (stack: ReturnType<typeof stackOf>, key: string) => ({
      action: "dynamodb:GetItem",
      resource: stack.resources.Table?.attributes.Arn as string,
      context: { "dynamodb:LeadingKeys": [key], "aws:SecureTransport": true },
    });

    it("remembers a decision (the same one comes back) and decides each request context on its own", () => {
      const stack = ownRowsOnly("dynamodb:GetItem");
      const role = roleOf(stack);
      const decide = createRoleDecisionMemo();
      const alice = decide(role, getItem(stack, "alice"));
      expect(alice.decision).to.equal("Allow");
      expect(decide(role, getItem(stack, "alice"))).to.equal(alice);
      expect(decide(role, getItem(stack, "bob")).decision).to.equal("ImplicitDeny");
      expect(decide(role, { ...getItem(stack, "alice"), action: "dynamodb:PutItem" }).decision).to.equal(
        "ImplicitDeny",
      );
      expect(decide(role, getItem(stack, "alice"))).to.equal(alice);
    });

    it("sees a policy change: a reloaded template's role is decided afresh, not from the old role's memo", () => {
      const before = ownRowsOnly("dynamodb:GetItem");
      const after = ownRowsOnly("dynamodb:Query");
      const decide = createRoleDecisionMemo();
      expect(decide(roleOf(before), getItem(before, "alice")).decision).to.equal("Allow");
      expect(decide(roleOf(after), getItem(after, "alice")).decision).to.equal("ImplicitDeny");
    });

    it("stays right when full: it starts again empty", () => {
      const stack = ownRowsOnly("dynamodb:GetItem");
      const role = roleOf(stack);
      const decide = createRoleDecisionMemo(2);
      for (const key of ["alice", "bob", "carol", "alice", "bob", "alice"]) {
        expect(decide(role, getItem(stack, key)).decision).to.equal(
          evaluateRole(role, getItem(stack, key)).decision,
        );
      }
    });
  });

  it("refuses an unknown AWS-managed policy and a role outside the template, by name", () => {
    const stack = stackOf(`
  Role:
    Type: AWS::IAM::Role
    Properties:${ASSUME}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]
`);
    expect(() => rolePolicies(stack, stack.resources.Role?.attributes.Arn as string))
      .to.throw(
        ApigwTokenAuthError,
        /Role \(AWS::IAM::Role\)\.ManagedPolicyArns: arn:aws:iam::aws:policy\/AdministratorAccess is not a policy the local run knows/,
      )
      .with.property("expected")
      .that.matches(/AWSLambdaBasicExecutionRole/);
    expect(() => rolePolicies(stack, "arn:aws:iam::123456789012:role/elsewhere")).to.throw(
      ApigwTokenAuthError,
      /role arn:aws:iam::123456789012:role\/elsewhere is not defined in this template/,
    );
  });
});
