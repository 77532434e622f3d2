import { DeleteItemCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { type SignedRequest, verifySigV4 } from "../../../local/iam/sigv4.js";

const KEY = { accessKeyId: "LOCALTESTKEY0000000A", secretAccessKey: "test-secret" };

/** The request the AWS SDK would send, signed with KEY (captured after signing, never sent). */
async function sdkSignedRequest(): Promise<SignedRequest> {
  const client = new DynamoDBClient({
    endpoint: "http://127.0.0.1:8000",
    region: "eu-west-1",
    credentials: KEY,
  });
  let captured: SignedRequest | undefined;
  client.middlewareStack.add(
    (() => async (args: { request: unknown }) => {
      const request = args.request as {
        method: string;
        path: string;
        headers: Record<string, string>;
        body: string;
      };
      captured = {
        method: request.method,
        url: request.path,
        headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
        body: Buffer.from(request.body),
      };
      throw new Error("captured");
    }) as never,
    { step: "finalizeRequest", priority: "low", name: "capture" },
  );
  await client
    .send(new DeleteItemCommand({ TableName: "users", Key: { id: { S: "u1" } } }))
    .catch((error: Error) => expect(error.message).to.equal("captured"));
  client.destroy();
  return captured as SignedRequest;
}

describe("local/iam/sigv4", () => {
  const secretFor = (id: string) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined);

  it("accepts the AWS SDK's own signature and names the key and the scope's region", async () => {
    const request = await sdkSignedRequest();
    expect(verifySigV4(request, secretFor)).to.deep.equal({
      ok: true,
      accessKeyId: KEY.accessKeyId,
      region: "eu-west-1",
    });
  });

  it("refuses a changed body, header or secret (InvalidSignature)", async () => {
    const request = await sdkSignedRequest();
    const changedBody = { ...request, body: Buffer.from(request.body.toString().replace("u1", "u2")) };
    expect(verifySigV4(changedBody, secretFor)).to.deep.include({ ok: false, problem: "InvalidSignature" });
    const changedTarget = {
      ...request,
      headers: { ...request.headers, "x-amz-target": "DynamoDB_20120810.Scan" },
    };
    expect(verifySigV4(changedTarget, secretFor)).to.deep.include({ ok: false, problem: "InvalidSignature" });
    expect(verifySigV4(request, () => "another-secret")).to.deep.include({
      ok: false,
      problem: "InvalidSignature",
    });
  });

  it("keeps checking the secret once a signing key is cached: wrong secret refused, right one accepted, in any order", async () => {
    const request = await sdkSignedRequest();
    const wrong = () => "another-secret";
    for (let round = 0; round < 3; round++) {
      expect(verifySigV4(request, secretFor)).to.deep.include({ ok: true });
      expect(verifySigV4(request, wrong)).to.deep.include({ ok: false, problem: "InvalidSignature" });
    }
    // The same key id with a secret that only shares a prefix with the right one is another key.
    expect(verifySigV4(request, () => `${KEY.secretAccessKey}x`)).to.deep.include({
      ok: false,
      problem: "InvalidSignature",
    });
    expect(verifySigV4(request, () => KEY.secretAccessKey.slice(0, -1))).to.deep.include({
      ok: false,
      problem: "InvalidSignature",
    });
  });

  it("refuses an unsigned call, a key not of this run, and a signature older than 15 minutes", async () => {
    const request = await sdkSignedRequest();
    const { authorization: _, ...unsigned } = request.headers;
    expect(verifySigV4({ ...request, headers: unsigned }, secretFor)).to.deep.include({
      ok: false,
      problem: "MissingAuthenticationToken",
    });
    expect(verifySigV4(request, () => undefined)).to.deep.include({
      ok: false,
      problem: "UnrecognizedClient",
    });
    expect(verifySigV4(request, secretFor, Date.now() + 16 * 60 * 1000)).to.deep.include({
      ok: false,
      problem: "SignatureExpired",
    });
    const garbled = { ...request, headers: { ...request.headers, authorization: "Bearer x" } };
    expect(verifySigV4(garbled, secretFor)).to.deep.include({ ok: false, problem: "IncompleteSignature" });
    // Malformed after the scope's date, which it still starts with.
    const amzDate = `${String(request.headers["x-amz-date"]).slice(0, 8)}T12000Z`;
    const undated = { ...request, headers: { ...request.headers, "x-amz-date": amzDate } };
    expect(verifySigV4(undated, secretFor)).to.deep.include({ ok: false, problem: "IncompleteSignature" });
  });
});
