import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { callAws, classifyAwsError } from "../../../lib/aws/aws-errors.js";
import { awsError } from "../../support/aws-mocks.js";

describe("lib/aws/aws-errors", () => {
  // Each kind of failure says what was expected instead.
  const kindOf = (error: Error) => classifyAwsError(error, "op")?.expected;

  it("recognises missing, invalid and expired credentials, denial, throttling, no region, no endpoint", () => {
    expect(
      kindOf(awsError("CredentialsProviderError", "Could not load credentials from any providers")),
    ).to.equal("credentials from the standard AWS SDK chain");
    expect(
      kindOf(awsError("InvalidClientTokenId", "The security token included in the request is invalid.")),
    ).to.equal("valid credentials for this account");
    expect(kindOf(awsError("ExpiredToken", "expired"))).to.equal("unexpired credentials");
    expect(
      kindOf(awsError("AccessDenied", "not authorized to perform: cloudformation:CreateChangeSet")),
    ).to.equal("the permissions in cloudformation/iam/deployer-policy.json");
    expect(kindOf(awsError("ThrottlingException", "Rate exceeded"))).to.equal(
      "a request AWS accepts within the SDK's retries",
    );
    expect(kindOf(new Error("Region is missing"))).to.equal("AWS_REGION or a profile with a region");
    expect(
      kindOf(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })),
    ).to.equal("a reachable AWS endpoint");
  });

  it("leaves other errors to the caller", () => {
    expect(classifyAwsError(awsError("ValidationError", "Stack with id x does not exist"), "op")).to.equal(
      undefined,
    );
    expect(classifyAwsError("not an error", "op")).to.equal(undefined);
  });

  it("callAws rethrows a recognised failure with the fix and the original as cause", async () => {
    const original = awsError("ThrottlingException", "Rate exceeded");
    const error = await callAws("cloudformation:DescribeStacks", () => Promise.reject(original)).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ApigwTokenAuthError);
    expect((error as ApigwTokenAuthError).message).to.include("adaptive retries");
    expect((error as ApigwTokenAuthError).cause).to.equal(original);
  });
});
