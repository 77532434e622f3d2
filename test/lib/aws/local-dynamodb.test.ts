import { expect } from "chai";
import {
  AWS_DYNAMODB_CAPABILITIES,
  capabilitiesOf,
  generateLocalCredentials,
  localDynamoDBClient,
} from "../../../lib/aws/local-dynamodb.js";

describe("lib/aws/local-dynamodb", () => {
  it("says what each backend can do: everything on DynamoDB Local and AWS, neither transactions nor TTL on dynalite", () => {
    expect(capabilitiesOf("dynamodb-local")).to.deep.equal({
      supportsTransactions: true,
      supportsTimeToLive: true,
    });
    expect(AWS_DYNAMODB_CAPABILITIES).to.deep.equal({ supportsTransactions: true, supportsTimeToLive: true });
    expect(capabilitiesOf("dynalite")).to.deep.equal({
      supportsTransactions: false,
      supportsTimeToLive: false,
    });
  });

  it("generates fresh credentials whose access key id is safe as a file name", () => {
    const first = generateLocalCredentials();
    const second = generateLocalCredentials();
    expect(first.accessKeyId).to.match(/^LOCAL[A-Z2-7]{15}$/);
    expect(first.secretAccessKey).to.have.length(40);
    expect(second.accessKeyId).to.not.equal(first.accessKeyId);
  });

  it("builds a client with the run's credentials, leaving the caller's object untouched", async () => {
    const credentials = generateLocalCredentials();
    const client = localDynamoDBClient({ endpoint: "http://127.0.0.1:8000", credentials }, "eu-west-1");
    try {
      expect(await client.config.region()).to.equal("eu-west-1");
      expect(await client.config.credentials()).to.deep.include(credentials);
      expect(Object.keys(credentials)).to.deep.equal(["accessKeyId", "secretAccessKey"]);
    } finally {
      client.destroy();
    }
  });
});
