import { expect } from "chai";
import { UnauthorizedError } from "../../../handlers/shared/errors.js";
import { captureStdout, importEntryPoint, withEnv } from "../../support/entry-points.js";

type Handler = (event: unknown) => Promise<unknown>;

describe("handlers/agent-authorizer/index", () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it("exports the agent authorizer as handler when TOKEN_TABLE_NAME is set; it refuses a request without its headers", async () => {
    restore = withEnv({ TOKEN_TABLE_NAME: "stack-auth-token" });
    const { handler } = await importEntryPoint<{ handler: Handler }>("agent-authorizer");
    const { result: error, lines } = await captureStdout(() =>
      handler({
        type: "REQUEST",
        methodArn: "arn:aws:execute-api:eu-west-1:1:a/v1/GET/agent/tasks",
        headers: {},
      }).catch((e: unknown) => e),
    );
    // The re-imported module graph has its own copy of the class, so compare by name and message.
    expect(error).to.include({ name: UnauthorizedError.name, message: "Unauthorized" });
    expect(lines.join("")).to.contain('"level":"INFO"');
  });

  it("fails at start-up, naming the variable, when TOKEN_TABLE_NAME is missing", async () => {
    restore = withEnv({ TOKEN_TABLE_NAME: undefined });
    const error = await importEntryPoint("agent-authorizer").catch((e: unknown) => e);
    expect(error).to.have.property("message", "environment variable TOKEN_TABLE_NAME is not set");
  });
});
