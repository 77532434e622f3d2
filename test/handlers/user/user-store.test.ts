import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { createUserStore, parseStoredUser, USER_KEY_ATTRIBUTE } from "../../../handlers/user/user-store.js";

const TABLE = "stack-users";
const NOW = Date.UTC(2026, 10, 21, 1, 2, 3);
const stored = {
  id: "bob",
  name: "Bob",
  createdAt: "2026-11-20T00:00:00.000Z",
  createdBy: "carol",
  updatedAt: new Date(NOW).toISOString(),
  updatedBy: "alice",
};

describe("handlers/user/user-store", () => {
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
  // Created in before(), not while mocha loads the files, so it never overlaps another file's SDK mock.
  let ddb: AwsClientStub<DynamoDBDocumentClient>;
  before(() => {
    ddb = mockClient(documentClient);
  });
  const store = createUserStore({ documentClient, tableName: TABLE, now: () => NOW });

  beforeEach(() => ddb.reset());
  after(() => ddb.restore());

  describe("putUser", () => {
    // What the write does to a table (creation fields kept on a second write) is in
    // user-store.integration.test.ts, against the embedded DynamoDB.
    it("writes with one UpdateItem on the user's key, without reading first", async () => {
      ddb.on(UpdateCommand).resolves({ Attributes: stored });
      await store.putUser({ id: "bob", name: "Bob" }, "alice");
      const calls = ddb.commandCalls(UpdateCommand);
      expect(calls).to.have.length(1);
      expect(ddb.commandCalls(GetCommand)).to.have.length(0);
      expect(calls[0]?.args[0].input).to.deep.include({ TableName: TABLE, Key: { id: "bob" } });
    });

    it("returns the item as stored", async () => {
      ddb.on(UpdateCommand).resolves({ Attributes: stored });
      expect(await store.putUser({ id: "bob", name: "Bob" }, "alice")).to.deep.equal(stored);
    });

    it("wraps a DynamoDB failure, naming it and keeping the cause", async () => {
      const cause = Object.assign(new Error("throttled"), { name: "ProvisionedThroughputExceededException" });
      ddb.on(UpdateCommand).rejects(cause);
      try {
        await store.putUser({ id: "bob", name: "Bob" }, "alice");
        expect.fail("should have thrown");
      } catch (error) {
        expect(error).to.be.instanceOf(ApigwTokenAuthError);
        expect((error as ApigwTokenAuthError).message).to.equal("cannot write the users table");
        expect((error as ApigwTokenAuthError).actual).to.equal("ProvisionedThroughputExceededException");
        expect((error as ApigwTokenAuthError).cause).to.equal(cause);
      }
    });

    it("refuses a response without attributes as a record error", async () => {
      ddb.on(UpdateCommand).resolves({});
      try {
        await store.putUser({ id: "bob", name: "Bob" }, "alice");
        expect.fail("should have thrown");
      } catch (error) {
        expect(error).to.be.instanceOf(ApigwTokenAuthError);
        expect((error as Error).message).to.equal("the users table returned no item");
      }
    });
  });

  describe("getUser", () => {
    it("reads by id, strongly consistent, and returns the user", async () => {
      ddb.on(GetCommand).resolves({ Item: { ...stored, extra: "dropped" } });
      expect(await store.getUser("bob")).to.deep.equal(stored);
      expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).to.deep.equal({
        TableName: TABLE,
        Key: { [USER_KEY_ATTRIBUTE]: "bob" },
        ConsistentRead: true,
      });
    });

    it("returns undefined for a missing user", async () => {
      ddb.on(GetCommand).resolves({});
      expect(await store.getUser("nobody")).to.equal(undefined);
    });

    it("wraps a network failure, saying the table could not be read", async () => {
      ddb.on(GetCommand).rejects("socket hang up");
      try {
        await store.getUser("bob");
        expect.fail("should have thrown");
      } catch (error) {
        expect(error).to.be.instanceOf(ApigwTokenAuthError);
        expect((error as Error).message).to.equal("cannot read the users table");
      }
    });

    it("describes a non-Error rejection by its type", async () => {
      const failing = createUserStore({
        documentClient: { send: () => Promise.reject("boom") } as unknown as DynamoDBDocumentClient,
        tableName: TABLE,
      });
      try {
        await failing.getUser("bob");
        expect.fail("should have thrown");
      } catch (error) {
        expect(error).to.be.instanceOf(ApigwTokenAuthError).with.property("actual", "string");
      }
    });
  });

  describe("deleteUser", () => {
    it("deletes with one DeleteItem conditioned on the user existing, and reports it deleted", async () => {
      ddb.on(DeleteCommand).resolves({});
      expect(await store.deleteUser("bob")).to.equal(true);
      expect(ddb.commandCalls(GetCommand)).to.have.length(0);
      expect(ddb.commandCalls(DeleteCommand).map((call) => call.args[0].input)).to.deep.equal([
        {
          TableName: TABLE,
          Key: { [USER_KEY_ATTRIBUTE]: "bob" },
          ConditionExpression: "attribute_exists(#id)",
          ExpressionAttributeNames: { "#id": USER_KEY_ATTRIBUTE },
        },
      ]);
    });

    it("reports a missing user (the condition failed) as not deleted", async () => {
      ddb
        .on(DeleteCommand)
        .rejects(
          new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }),
        );
      expect(await store.deleteUser("nobody")).to.equal(false);
    });

    it("wraps any other failure in ApigwTokenAuthError, keeping the cause", async () => {
      const cause = Object.assign(new Error("throttled"), { name: "ThrottlingException" });
      ddb.on(DeleteCommand).rejects(cause);
      try {
        await store.deleteUser("bob");
        expect.fail("should have thrown");
      } catch (error) {
        expect(error).to.be.instanceOf(ApigwTokenAuthError);
        expect((error as ApigwTokenAuthError).message).to.equal("cannot delete from the users table");
        expect((error as ApigwTokenAuthError).actual).to.equal("ThrottlingException");
        expect((error as ApigwTokenAuthError).cause).to.equal(cause);
      }
    });
  });

  it("uses the real clock when none is injected", async () => {
    const realClock = createUserStore({ documentClient, tableName: TABLE });
    ddb.on(UpdateCommand).resolves({ Attributes: stored });
    const before = Date.now();
    await realClock.putUser({ id: "bob", name: "Bob" }, "alice");
    const at = ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues?.[":at"] as string;
    expect(Date.parse(at)).to.be.within(before, Date.now());
  });

  describe("parseStoredUser", () => {
    for (const field of ["id", "name", "createdAt", "createdBy", "updatedAt", "updatedBy"]) {
      it(`refuses an item without ${field}`, () => {
        expect(() => parseStoredUser({ ...stored, [field]: undefined }))
          .to.throw(ApigwTokenAuthError, `"${field}"`)
          .with.property("actual", "missing");
      });
    }

    it("refuses a non-string attribute, naming its type", () => {
      expect(() => parseStoredUser({ ...stored, name: 5 }))
        .to.throw(ApigwTokenAuthError)
        .with.property("actual", "number");
    });

    it("refuses no item", () => {
      expect(() => parseStoredUser(undefined)).to.throw(
        ApigwTokenAuthError,
        "the users table returned no item",
      );
    });
  });
});
