import { expect } from "chai";
import {
  commonClientConfig,
  createAwsClients,
  MAX_ATTEMPTS,
  nonEmpty,
  regionFromEnv,
} from "../../../lib/aws/aws-clients.js";

describe("lib/aws/aws-clients", () => {
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

  it("takes the region from AWS_REGION, then AWS_DEFAULT_REGION, ignoring blank values", () => {
    expect(regionFromEnv({ AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "us-east-1" })).to.equal("eu-west-1");
    expect(regionFromEnv({ AWS_REGION: " ", AWS_DEFAULT_REGION: "us-east-1" })).to.equal("us-east-1");
    expect(regionFromEnv({})).to.equal(undefined);
    expect(nonEmpty("  x ")).to.equal("x");
  });
});
