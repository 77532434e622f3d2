import { expect } from "chai";
import { policy, result, send, startTestGateway, type TestGateway } from "./harness.js";

const ok = () => result({ statusCode: 200, body: "items" });

describe("local/gateway: invoke permissions (HTTP)", () => {
  let api: TestGateway | undefined;
  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  it("answers 500 Internal server error, without invoking, for a method whose function lacks a permission", async () => {
    api = await startTestGateway(
      "invoke-permissions",
      { ItemsFunction: ok },
      { ItemsPermission: "other-stage" },
    );
    const res = await send(`${api.url}/items`);
    expect(res.status).to.equal(500);
    expect(res.json()).to.deep.equal({ message: "Internal server error" });
    expect(res.headers["x-amzn-errortype"]).to.equal("InternalServerErrorException");
    expect(api.calls.ItemsFunction).to.equal(undefined);
    const line = api.logs.find((l) => l.startsWith("GET /items: Execution failed"));
    expect(line).to.match(
      /Invalid permissions on Lambda function \(no AWS::Lambda::Permission lets apigateway\.amazonaws\.com invoke ItemsFunction/,
    );
    expect(api.logs.some((l) => l.startsWith("warning: GET /items will answer 500:"))).to.equal(true);
    // The request's line carries the reason too (the decision trace).
    expect(api.logs.find((l) => l.startsWith("GET /v1/items 500"))).to.match(
      /Invalid permissions on Lambda function: no AWS::Lambda::Permission .* \(not invoked\)/,
    );
  });

  it("serves the same method once the permission covers it", async () => {
    api = await startTestGateway("invoke-permissions", { ItemsFunction: ok }, { ItemsPermission: "exact" });
    const res = await send(`${api.url}/items`);
    expect(res.status).to.equal(200);
    expect(res.body).to.equal("items");
    expect(api.logs.some((l) => l.startsWith("warning:"))).to.equal(false);
  });

  it("answers an authorizer it may not invoke with 500 {message:null} (AuthorizerConfigurationException)", async () => {
    api = await startTestGateway(
      "invoke-permissions",
      { AuthFunction: () => result(policy("Allow", "*")), ItemsFunction: ok },
      { AuthorizerAccess: "role-without-invoke" },
    );
    const res = await send(`${api.url}/secure`, { headers: { Authorization: "token" } });
    expect(res.status).to.equal(500);
    expect(res.json()).to.deep.equal({ message: null });
    expect(res.headers["x-amzn-errortype"]).to.equal("AuthorizerConfigurationException");
    expect(api.calls.AuthFunction).to.equal(undefined);
    expect(api.logs.find((l) => l.startsWith("authorizer Authorizer: Execution failed"))).to.match(
      /Invalid permissions on Lambda function \(role AuthorizerInvokeRole may not lambda:InvokeFunction AuthFunction/,
    );
    expect(api.logs.find((l) => l.startsWith("GET /v1/secure 500"))).to.match(
      /Invalid permissions on Lambda function: role AuthorizerInvokeRole .*\(authorizer Authorizer not called, AuthorizerConfigurationException\)/,
    );
    // A missing token is still a 401 before any invocation.
    expect((await send(`${api.url}/secure`)).status).to.equal(401);
  });

  it("invokes the authorizer through a role allowed to", async () => {
    api = await startTestGateway(
      "invoke-permissions",
      { AuthFunction: () => result(policy("Allow", "*")), ItemsFunction: ok },
      { AuthorizerAccess: "role" },
    );
    const res = await send(`${api.url}/secure`, { headers: { Authorization: "token" } });
    expect(res.status).to.equal(200);
    expect(api.calls.AuthFunction).to.have.length(1);
  });
});
