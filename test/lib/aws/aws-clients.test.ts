import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { expect } from "chai";
import {
  commonClientConfig,
  createAwsClients,
  MAX_ATTEMPTS,
  nonEmpty,
  regionFromEnv,
  resolveIdentity,
} from "../../../lib/aws/aws-clients.js";
import { awsError, useAwsMocks } from "../../support/aws-mocks.js";

describe("lib/aws/aws-clients", () => {
  const aws = useAwsMocks({ sts: STSClient });

  it("configures every client for adaptive retries, with the region only when one is given", () => {
    expect(commonClientConfig({ region: "eu-west-1" })).to.deep.equal({
      region: "eu-west-1",
      retryMode: "adaptive",
      maxAttempts: MAX_ATTEMPTS,
    });
    expect(commonClientConfig({})).to.not.have.property("region");
  });

  it("creates the clients in the settings' region, S3 path-style only with a custom endpoint", async () => {
    const clients = createAwsClients({ region: "eu-west-1" });
    for (const client of Object.values(clients)) expect(await client.config.region()).to.equal("eu-west-1");
    expect(clients.s3.config.forcePathStyle).to.equal(false);
    expect(
      createAwsClients({ region: "eu-west-1", endpoint: "http://127.0.0.1:5000" }).s3.config.forcePathStyle,
    ).to.equal(true);
  });

  it("resolves the caller's account and the clients' region", async () => {
    aws.sts.on(GetCallerIdentityCommand).resolves({ Account: "123456789012" });
    const clients = createAwsClients({ region: "eu-west-1" });
    expect(await resolveIdentity(clients)).to.deep.equal({ region: "eu-west-1", accountId: "123456789012" });
  });

  it("turns missing credentials into an error saying how to provide them", async () => {
    aws.sts
      .on(GetCallerIdentityCommand)
      .rejects(awsError("CredentialsProviderError", "Could not load credentials from any providers"));
    const error = await resolveIdentity(createAwsClients({ region: "eu-west-1" })).catch((e: unknown) => e);
    expect(error).to.have.property("message").that.contains("no AWS credentials found");
  });

  it("takes the region from AWS_REGION, then AWS_DEFAULT_REGION, ignoring blank values", () => {
    expect(regionFromEnv({ AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "us-east-1" })).to.equal("eu-west-1");
    expect(regionFromEnv({ AWS_REGION: " ", AWS_DEFAULT_REGION: "us-east-1" })).to.equal("us-east-1");
    expect(regionFromEnv({})).to.equal(undefined);
    expect(nonEmpty("  x ")).to.equal("x");
  });
});
