import { expect } from "chai";
import { AwsAccessError, callAws, classifyAwsError } from "../../../lib/aws/aws-errors.js";
import { awsError } from "../../scripts/deploy/fake-aws.js";

describe("lib/aws/aws-errors", () => {
  const kindOf = (error: Error) => classifyAwsError(error, "op")?.kind;

  it("recognises missing, invalid and expired credentials, denial, throttling, no region, no endpoint", () => {
    expect(
      kindOf(awsError("CredentialsProviderError", "Could not load credentials from any providers")),
    ).to.equal("no-credentials");
    expect(
      kindOf(awsError("InvalidClientTokenId", "The security token included in the request is invalid.")),
    ).to.equal("invalid-credentials");
    expect(kindOf(awsError("ExpiredToken", "expired"))).to.equal("expired-credentials");
    expect(
      kindOf(awsError("AccessDenied", "not authorized to perform: cloudformation:CreateChangeSet")),
    ).to.equal("access-denied");
    expect(kindOf(awsError("ThrottlingException", "Rate exceeded"))).to.equal("throttled");
    expect(kindOf(new Error("Region is missing"))).to.equal("no-region");
    expect(
      kindOf(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })),
    ).to.equal("unreachable");
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
    expect(error).to.be.instanceOf(AwsAccessError);
    expect((error as AwsAccessError).message).to.include("adaptive retries");
    expect((error as AwsAccessError).cause).to.equal(original);
  });
});
