/**
 * End to end against moto (`moto_server`, a local AWS emulator): the deploy, re-deploy and destroy
 * commands against real AWS APIs over HTTP, with the functions built and packaged by the project's
 * own build, and fake credentials. Skipped, with a message, where `moto_server` is not on PATH.
 *
 * What moto 5.x emulates of this stack, through CloudFormation:
 * - created for real (and checked below): AWS::DynamoDB::Table (both, DeletionPolicy Retain honoured
 *   on delete), AWS::Lambda::Function (code read from the uploaded zips in moto's S3; deleted with
 *   the stack),
 *   AWS::IAM::Role, AWS::Lambda::Permission, AWS::Logs::LogGroup, AWS::ApiGateway::RestApi,
 *   ::Resource, ::Method (method + integration only), ::Deployment (moto does not delete the RestApi
 *   with the stack);
 * - accepted but not created (moto logs "No Moto CloudFormation support"): AWS::ApiGateway::Authorizer,
 *   ::Model, ::RequestValidator, ::GatewayResponse, ::Stage, ::Account; WaitConditionHandle is ignored;
 * - change sets: CREATE/UPDATE, and an identical template + parameters gives the real "didn't contain
 *   changes" FAILED status; execution is synchronous, records only stack-level events (no resource
 *   events, no rollback), and a stack created through a change set reports no Outputs.
 * - One patch to a copy of the template: moto's AWS::ApiGateway::Method reads
 *   Integration.IntegrationHttpMethod and Integration.Uri unconditionally, so the MOCK integrations
 *   (the CORS OPTIONS methods) crash it with KeyError (HTTP 500) and the SDK's retry then reports a
 *   stack that is only half created as CREATE_COMPLETE. The copy gives those integrations both
 *   properties; nothing else is changed.
 * The token CLI's --stack target is exercised on a stack made with CreateStack (moto computes
 * Outputs on that path) holding the template's own TokenTable (with its byPrincipal index) and
 * TokenAuditTable definitions: every change goes through TransactWriteItems with its audit record,
 * the actor comes from STS. moto has no FlushStageAuthorizersCache, so the CLI runs with --no-flush
 * there and `token flush` is checked to fail with exit 1 naming the call.
 * DELETE /user/{id} is checked as deployed: the method and its Lambda integration on /user/{id}, and
 * the user function's resource policy letting API Gateway invoke it for DELETE (moto cannot invoke
 * the function through the API, and the project has no IAM client to read the role's policy; the
 * role's exact actions are pinned by the template test).
 * Not covered here (needs a real account): calling the API (authorizer, mapping templates, 401/403),
 * real rollbacks, IAM permissions, `make smoke`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { APIGatewayClient, GetResourcesCommand, GetRestApisCommand } from "@aws-sdk/client-api-gateway";
import {
  CloudFormationClient,
  CreateStackCommand,
  ListStackResourcesCommand,
} from "@aws-sdk/client-cloudformation";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetPolicyCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { expect } from "chai";
import { findStack } from "../../../lib/aws/stack-state.js";
import { bundleFunction } from "../../../lib/build/bundle.js";
import { listFunctions, TEMPLATE_PATH } from "../../../lib/build/functions.js";
import { packageFunctions } from "../../../lib/build/package-functions.js";
import { renderDeployTemplate } from "../../../lib/build/render-template.js";
import { type CloudFormationTemplate, loadTemplate } from "../../../lib/cloudformation/load-template.js";
import { runDeploy } from "../../../scripts/deploy/deploy-stack.js";
import { runDestroy } from "../../../scripts/deploy/destroy-stack.js";
import { runTokenCli } from "../../../scripts/tokens/run-token-cli.js";

const STACK = "moto-e2e";
const REGION = "eu-west-1";
const WORK_DIR = `.local/moto-e2e-${process.pid}`;

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Starts moto on 127.0.0.1 with an ephemeral port (-p 0) and reads the port it prints. */
function startMoto(): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve({ child, endpoint: match[1] as string });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`moto_server exited (${code}): ${output}`)));
  });
}

/**
 * The template make package renders (the Deployment's logical id carrying the API's hash), from a
 * copy of the hand-written one that moto can create (see the file comment); `change` edits the copy
 * first, as a developer edits api.yaml.
 */
function motoTemplate(change: (template: CloudFormationTemplate) => void = () => {}): string {
  const template = loadTemplate(TEMPLATE_PATH);
  change(template);
  for (const resource of Object.values(template.Resources)) {
    const integration = resource.Properties?.Integration as Record<string, unknown> | undefined;
    if (resource.Type === "AWS::ApiGateway::Method" && integration?.Type === "MOCK") {
      integration.IntegrationHttpMethod = "POST";
      integration.Uri = "moto-needs-a-uri-for-mock-integrations";
    }
  }
  return JSON.stringify(renderDeployTemplate(template), null, 1);
}

describe("make deploy / make destroy against moto (end to end)", function () {
  this.timeout(120_000);
  let moto: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let clients: {
    cloudformation: CloudFormationClient;
    dynamodb: DynamoDBClient;
    apigateway: APIGatewayClient;
    lambda: LambdaClient;
  };
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const timing = { minDelay: 0.2, maxDelay: 1, maxWaitTime: 60 };

  before(async function () {
    if (!onPath("moto_server")) {
      console.warn("    moto_server is not on PATH: skipping (install it with pip install 'moto[server]')");
      this.skip();
    }
    const started = await startMoto();
    moto = started.child;
    const { AWS_PROFILE: _profile, AWS_SESSION_TOKEN: _token, ...rest } = process.env;
    env = {
      ...rest,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: started.endpoint,
      STACK_NAME: STACK,
      STAGE: "v1",
      CONFIRM: "yes",
    };
    const config = {
      region: REGION,
      endpoint: started.endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    };
    clients = {
      cloudformation: new CloudFormationClient(config),
      dynamodb: new DynamoDBClient(config),
      apigateway: new APIGatewayClient(config),
      lambda: new LambdaClient(config),
    };
    // The project's own build and packaging, into a private directory (parallel runs don't clash).
    mkdirSync(WORK_DIR, { recursive: true });
    for (const fn of listFunctions(loadTemplate(TEMPLATE_PATH))) {
      await bundleFunction(fn, { buildDir: `${WORK_DIR}/build` });
    }
    await packageFunctions({ buildDir: `${WORK_DIR}/build`, distDir: `${WORK_DIR}/dist` });
    writeFileSync(`${WORK_DIR}/api-moto.json`, motoTemplate());
  });

  const stackFunctions = async () =>
    ((await clients.lambda.send(new ListFunctionsCommand({}))).Functions ?? [])
      .map((fn) => fn.FunctionName ?? "")
      .filter((name) => name.startsWith(`${STACK}-`));

  after(() => {
    moto?.kill();
    rmSync(WORK_DIR, { recursive: true, force: true });
  });

  const deploy = () =>
    runDeploy({
      env: { ...process.env, ...env },
      templatePath: `${WORK_DIR}/api-moto.json`,
      manifestPath: `${WORK_DIR}/dist/manifest.json`,
      log,
      timing,
    });
  // Process env for the SDK's credential chain and AWS_ENDPOINT_URL, as make would set it.
  const withEnv = async <T>(run: () => Promise<T>): Promise<T> => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      return await run();
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  };

  it("creates the stack: bucket, uploads, change set, execution, tables, functions, REST API", async () => {
    expect(await withEnv(deploy)).to.equal("created");
    const text = lines.join("\n");
    expect(text).to.include(`Creating artifact bucket s3://${STACK}-artifacts-123456789012-${REGION}`);
    expect(text).to.match(/uploaded {3}s3:\/\/.+\/authorizer-function-[0-9a-f]{16}\.zip/);
    expect(text).to.match(/^Add\s+TokenTable\s+AWS::DynamoDB::Table/m);
    expect(text).to.match(/CREATE_COMPLETE\s+AWS::CloudFormation::Stack\s+moto-e2e/);
    const resources = await clients.cloudformation.send(new ListStackResourcesCommand({ StackName: STACK }));
    const types = (resources.StackResourceSummaries ?? []).map((resource) => resource.ResourceType);
    expect(types).to.include.members(["AWS::Lambda::Function", "AWS::IAM::Role", "AWS::ApiGateway::Method"]);
    const apis = await clients.apigateway.send(new GetRestApisCommand({}));
    expect((apis.items ?? []).map((api) => api.name)).to.include(STACK);
    // Every function of the template that its conditions create (moto ignores none of them).
    expect((await stackFunctions()).length).to.equal(
      types.filter((type) => type === "AWS::Lambda::Function").length,
    );
    for (const table of [`${STACK}-auth-token`, `${STACK}-token-audit`, `${STACK}-users`]) {
      const described = await clients.dynamodb.send(new DescribeTableCommand({ TableName: table }));
      expect(described.Table?.TableStatus).to.equal("ACTIVE");
    }
    const tokenTable = await clients.dynamodb.send(
      new DescribeTableCommand({ TableName: `${STACK}-auth-token` }),
    );
    expect(tokenTable.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).to.deep.equal([
      "byPrincipal",
    ]);
  });

  it("deploys DELETE /user/{id}: the method on /user/{id} and the user function's invoke permission for it", async () => {
    const apis = await clients.apigateway.send(new GetRestApisCommand({}));
    const restApiId = (apis.items ?? []).find((api) => api.name === STACK)?.id;
    const resources = await clients.apigateway.send(
      new GetResourcesCommand({ restApiId, embed: ["methods"], limit: 500 }),
    );
    const userId = (resources.items ?? []).find((resource) => resource.path === "/user/{id}");
    expect(Object.keys(userId?.resourceMethods ?? {}).sort()).to.deep.equal(["DELETE", "GET", "OPTIONS"]);
    const stackResources = await clients.cloudformation.send(
      new ListStackResourcesCommand({ StackName: STACK }),
    );
    const userFunction = (stackResources.StackResourceSummaries ?? []).find(
      (resource) => resource.LogicalResourceId === "UserFunction",
    )?.PhysicalResourceId as string;
    expect(userId?.resourceMethods?.DELETE?.methodIntegration?.uri, "the DELETE integration").to.include(
      `:function:${userFunction}/invocations`,
    );
    const policy = await clients.lambda.send(new GetPolicyCommand({ FunctionName: userFunction }));
    const conditions = (JSON.parse(policy.Policy ?? "{}").Statement as { Condition?: unknown }[]).map(
      (statement) => JSON.stringify(statement.Condition),
    );
    expect(
      conditions.some((condition) => /\/v1\/DELETE\/user\/\*"/.test(condition)),
      conditions.join("\n"),
    ).to.equal(true);
  });

  it("reports no changes on a second deploy and uploads nothing", async () => {
    lines.length = 0;
    expect(await withEnv(deploy)).to.equal("no-changes");
    const text = lines.join("\n");
    expect(text).to.include("No changes: stack moto-e2e is up to date");
    expect(text).not.to.include("uploaded ");
    expect(text).to.include("unchanged  s3://");
  });

  it("deploys an API change as a new Deployment the stack owns, and removes the old one", async () => {
    const deployments = async () =>
      (
        (await clients.cloudformation.send(new ListStackResourcesCommand({ StackName: STACK })))
          .StackResourceSummaries ?? []
      )
        .filter((resource) => resource.ResourceType === "AWS::ApiGateway::Deployment")
        .map((resource) => resource.LogicalResourceId);
    const [before] = await deployments();
    expect(before).to.match(/^Deployment[0-9a-f]{10}$/);
    // An API change, as a developer makes it: a method gains an operation name.
    writeFileSync(
      `${WORK_DIR}/api-moto.json`,
      motoTemplate((template) => {
        const method = template.Resources.UserGetMethod?.Properties as Record<string, unknown>;
        method.OperationName = "GetUser";
      }),
    );
    lines.length = 0;
    expect(await withEnv(deploy)).to.equal("updated");
    const text = lines.join("\n");
    expect(text).to.match(/^Add\s+Deployment[0-9a-f]{10}\s+AWS::ApiGateway::Deployment/m);
    expect(text).to.match(new RegExp(`^Remove\\s+${before}\\s+AWS::ApiGateway::Deployment`, "m"));
    const after = await deployments();
    expect(after).to.have.length(1);
    expect(after[0])
      .to.match(/^Deployment[0-9a-f]{10}$/)
      .and.not.equal(before);
    expect(text).not.to.include("The API changed: deployed it"); // nothing outside CloudFormation
  });

  it("destroys the stack and leaves the tables", async () => {
    lines.length = 0;
    expect(await withEnv(() => runDestroy({ env: { ...process.env, ...env }, log, timing }))).to.equal(
      "deleted",
    );
    expect(await findStack(clients.cloudformation, STACK)).to.equal(undefined);
    // moto deletes the functions with the stack (it leaves the RestApi behind, which AWS deletes).
    expect(await stackFunctions()).to.deep.equal([]);
    for (const table of [`${STACK}-auth-token`, `${STACK}-token-audit`, `${STACK}-users`]) {
      const described = await clients.dynamodb.send(new DescribeTableCommand({ TableName: table }));
      expect(described.Table?.TableStatus).to.equal("ACTIVE");
    }
    expect(lines.join("\n")).to.match(
      new RegExp(`TokenTable\\s+AWS::DynamoDB::Table\\s+${STACK}-auth-token`),
    );
    expect(lines.join("\n")).to.match(
      new RegExp(`TokenAuditTable\\s+AWS::DynamoDB::Table\\s+${STACK}-token-audit`),
    );
  });

  it("runs the token CLI against a stack: issue, rotate, list by principal (index), revoke and audit (audit table, one transaction per change)", async () => {
    const { TokenTable, TokenAuditTable } = loadTemplate(TEMPLATE_PATH).Resources;
    const tokenStack = `${STACK}-tokens`;
    await clients.cloudformation.send(
      new CreateStackCommand({
        StackName: tokenStack,
        TemplateBody: JSON.stringify({
          Resources: { TokenTable, TokenAuditTable },
          Outputs: {
            TokenTableName: { Value: { Ref: "TokenTable" } },
            TokenAuditTableName: { Value: { Ref: "TokenAuditTable" } },
            // moto creates no Stage and has no FlushStageAuthorizersCache: the flush is checked to fail cleanly.
            ApiId: { Value: "no-such-api" },
            StageName: { Value: "v1" },
          },
        }),
      }),
    );
    const described = await clients.dynamodb.send(
      new DescribeTableCommand({ TableName: `${tokenStack}-auth-token` }),
    );
    expect(described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).to.deep.equal([
      "byPrincipal",
    ]);
    const cli = (argv: string[], stdin = "") =>
      withEnv(async () => {
        let stdout = "";
        let stderr = "";
        const code = await runTokenCli(argv, {
          stdout: (text) => {
            stdout += text;
          },
          stderr: (text) => {
            stderr += text;
          },
          readStdin: async () => stdin,
        });
        return { code, stdout, stderr };
      });
    const issued = await cli([
      "issue",
      "--stack",
      tokenStack,
      "--principal",
      "alice",
      "--scope",
      "GET /user/*",
      "--expires-in",
      "1d",
      "--reason",
      "e2e",
    ]);
    expect(issued).to.deep.include({ code: 0, stderr: "" });
    expect(issued.stdout).to.match(/^[A-Za-z0-9]{32}\n$/);
    await cli(["issue", "--stack", tokenStack, "--principal", "bob", "--scope", "*"]);
    const rotated = await cli(["rotate", "--stack", tokenStack, "--principal", "alice", "--no-flush"]);
    expect(rotated.code, rotated.stderr).to.equal(0);
    expect(rotated.stderr).to.include(`in stack ${tokenStack} (table ${tokenStack}-auth-token in ${REGION})`);
    const listed = await cli(["list", "--stack", tokenStack, "--principal", "alice", "--json"]);
    const tokens = JSON.parse(listed.stdout) as {
      digestPrefix: string;
      scopes: string[];
      principalId: string;
    }[];
    expect(tokens.map((token) => [token.principalId, token.scopes])).to.deep.equal([
      ["alice", ["GET /user/*"]],
    ]);
    const revoked = await cli(
      ["revoke", "--stack", tokenStack, "--token-stdin", "--no-flush"],
      rotated.stdout,
    );
    expect(revoked.code, revoked.stderr).to.equal(0);
    expect((await cli(["list", "--stack", tokenStack, "--principal", "alice"])).stdout).to.equal(
      "no tokens\n",
    );
    const audit = JSON.parse(
      (await cli(["audit", "--stack", tokenStack, "--principal", "alice", "--json"])).stdout,
    ) as {
      action: string;
      actor: string;
    }[];
    expect(audit.map((record) => record.action)).to.have.members(["issue", "rotate", "revoke", "revoke"]);
    expect(audit.every((record) => record.actor.startsWith("arn:aws:"))).to.equal(true);
    const flushed = await cli(["flush", "--stack", tokenStack]);
    expect(flushed.code).to.equal(1);
    expect(flushed.stderr).to.match(
      /^token: apigateway:FlushStageAuthorizersCache on API no-such-api stage v1 failed/,
    );
    const missing = await cli(["list", "--stack", "no-such-stack"]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include(`stack no-such-stack not found in ${REGION}`);
  });
});
