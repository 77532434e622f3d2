import { QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { TOKEN_PRINCIPAL_INDEX } from "../../../handlers/shared/token-record.js";
import { hasTokens, listTokens } from "../../../lib/tokens/token-reads.js";
import { ALICE_RECORD as record, useMockedTokenStore } from "./support/mocked-token-store.js";

describe("lib/tokens/token-reads (SDK calls)", () => {
  const { aws, store } = useMockedTokenStore();

  it("lists a principal's tokens through the index, never a scan", async () => {
    aws.ddb.on(QueryCommand).resolves({ Items: [record] });
    expect(
      (await listTokens(store, { principalId: "alice" })).map((token) => token.principalId),
    ).to.deep.equal(["alice"]);
    expect(aws.ddb.commandCalls(QueryCommand)[0]?.args[0].input).to.deep.include({
      TableName: "tokens",
      IndexName: TOKEN_PRINCIPAL_INDEX,
      KeyConditionExpression: "principalId = :principal",
    });
    expect(aws.ddb.commandCalls(ScanCommand)).to.have.length(0);
  });

  it("names the table (and its index) when a read fails", async () => {
    aws.ddb
      .on(QueryCommand)
      .rejects(Object.assign(new Error("no index"), { name: "ResourceNotFoundException" }));
    const missing = await listTokens(store, { principalId: "a" }).catch((e: unknown) => e as Error);
    expect(missing).to.be.instanceOf(ApigwTokenAuthError);
    expect((missing as Error).message).to.equal(
      `token table tokens (or its ${TOKEN_PRINCIPAL_INDEX} index) does not exist`,
    );
    aws.ddb.on(QueryCommand).rejects(
      Object.assign(new Error("The table does not have the specified index: byPrincipal"), {
        name: "ValidationException",
      }),
    );
    const old = await listTokens(store, { principalId: "a" }).catch((e: unknown) => e as Error);
    expect((old as Error).message).to.contain(
      "a table made before the index (make deploy adds it; locally, delete DATA_DIR)",
    );
    aws.ddb
      .on(ScanCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    const throttled = await hasTokens(store).catch((e: unknown) => e as Error);
    expect((throttled as Error).message).to.equal("token table tokens: Rate exceeded");
  });
});
