import { readFileSync } from "node:fs";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { formatMethodArn, parseMethodArn } from "../../../handlers/shared/method-arn.js";

const fixture = JSON.parse(
  readFileSync(
    new URL("../../fixtures/apigw/aws-lambda-go/apigw-custom-auth-request.json", import.meta.url),
    "utf8",
  ),
) as { methodArn: string };

describe("handlers/shared/method-arn", () => {
  const arn = "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/GET/user/42";
  const parts = {
    partition: "aws",
    region: "eu-west-1",
    accountId: "123456789012",
    apiId: "abc123",
    stage: "v1",
    verb: "GET",
    resourcePath: "user/42",
  };

  it("parses a method ARN", () => {
    expect(parseMethodArn(arn)).to.deep.equal(parts);
  });

  it("formats the parts back into the same ARN", () => {
    expect(formatMethodArn(parts)).to.equal(arn);
  });

  it("parses the root resource (empty path) and other partitions", () => {
    expect(parseMethodArn("arn:aws-cn:execute-api:cn-north-1:1:a/v1/GET/")).to.include({
      partition: "aws-cn",
      resourcePath: "",
    });
  });

  it("parses the aws-lambda-go TOKEN event's methodArn (console test stage *)", () => {
    expect(parseMethodArn(fixture.methodArn)).to.deep.equal({
      partition: "aws",
      region: "us-west-2",
      accountId: "123456789012",
      apiId: "ymy8tbxw7b",
      stage: "*",
      verb: "GET",
      resourcePath: "",
    });
  });

  for (const bad of [
    "",
    "arn:aws:lambda:eu-west-1:1:function:x",
    "arn:aws:execute-api:eu-west-1:1:abc/v1/GET",
    "arn:aws:execute-api:eu-west-1:1:abc/v1",
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      expect(() => parseMethodArn(bad))
        .to.throw(ApigwTokenAuthError)
        .with.property("actual", bad);
    });
  }

  it("refuses a non-string", () => {
    expect(() => parseMethodArn(undefined))
      .to.throw(ApigwTokenAuthError)
      .with.property("actual", "undefined");
  });
});
