/**
 * What the user store's one UpdateItem does to a real table (the embedded DynamoDB, the template's
 * key schema): a first write creates the user, a second one changes the name and the update fields
 * and keeps who created it and when.
 */
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { createUserStore, USER_KEY_ATTRIBUTE } from "../../../handlers/user/user-store.js";
import { localDynamoDBClient } from "../../../lib/aws/local-dynamodb.js";
import { type EmbeddedDynamoDB, startEmbeddedDynamoDB } from "../../../local/dynamodb/embedded-dynamodb.js";
import { waitUntilActive } from "../../../local/dynamodb/stack-tables.js";

const FIRST = Date.UTC(2026, 0, 1);
const SECOND = Date.UTC(2026, 0, 2);

describe("handlers/user/user-store against DynamoDB", () => {
  let dynamodb: EmbeddedDynamoDB;
  let base: ReturnType<typeof localDynamoDBClient>;
  let documentClient: DynamoDBDocumentClient;
  let tableNumber = 0;
  let tableName: string;

  before(async function () {
    // The first start in a test process starts DynamoDB Local's JVM: seconds, more on a busy machine.
    this.timeout(180_000);
    dynamodb = await startEmbeddedDynamoDB({ dataDir: null });
    base = localDynamoDBClient(dynamodb);
    documentClient = DynamoDBDocumentClient.from(base);
  });
  after(async () => {
    base.destroy();
    await dynamodb.stop();
  });
  beforeEach(async () => {
    tableName = `users-${++tableNumber}`;
    await base.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: USER_KEY_ATTRIBUTE, AttributeType: "S" }],
        KeySchema: [{ AttributeName: USER_KEY_ATTRIBUTE, KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await waitUntilActive(base, tableName);
  });

  const storeAt = (time: number) => createUserStore({ documentClient, tableName, now: () => time });
  const storedItem = async (id: string) =>
    (await documentClient.send(new GetCommand({ TableName: tableName, Key: { [USER_KEY_ATTRIBUTE]: id } })))
      .Item;

  it("creates a user on the first write, recording who and when in both the creation and update fields", async () => {
    const returned = await storeAt(FIRST).putUser({ id: "bob", name: "Bob" }, "alice");
    const first = new Date(FIRST).toISOString();
    const expected = {
      id: "bob",
      name: "Bob",
      createdAt: first,
      createdBy: "alice",
      updatedAt: first,
      updatedBy: "alice",
    };
    expect(await storedItem("bob")).to.deep.equal(expected);
    expect(returned).to.deep.equal(expected);
  });

  it("on a second write changes the name and update fields, keeping who created the user and when", async () => {
    await storeAt(FIRST).putUser({ id: "bob", name: "Bob" }, "alice");
    const returned = await storeAt(SECOND).putUser({ id: "bob", name: "Robert" }, "carol");
    const expected = {
      id: "bob",
      name: "Robert",
      createdAt: new Date(FIRST).toISOString(),
      createdBy: "alice",
      updatedAt: new Date(SECOND).toISOString(),
      updatedBy: "carol",
    };
    expect(await storedItem("bob")).to.deep.equal(expected);
    expect(returned).to.deep.equal(expected);
    expect(await storeAt(SECOND).getUser("bob")).to.deep.equal(expected);
  });

  it("keeps users apart: writing one leaves the other as it was", async () => {
    await storeAt(FIRST).putUser({ id: "bob", name: "Bob" }, "alice");
    await storeAt(SECOND).putUser({ id: "eve", name: "Eve" }, "carol");
    expect(await storedItem("bob")).to.deep.include({ name: "Bob", updatedBy: "alice" });
    expect(await storeAt(SECOND).getUser("nobody")).to.equal(undefined);
  });
});
