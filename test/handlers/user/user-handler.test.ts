import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { createLogger } from "../../../handlers/shared/logger.js";
import { BadRequestError, UserNotFoundError } from "../../../handlers/user/user-errors.js";
import { createUserHandler } from "../../../handlers/user/user-handler.js";

const TABLE = "stack-users";
const NOW = Date.UTC(2026, 10, 21, 1, 2, 3);
const created = {
  id: "bob",
  name: "Bob",
  createdAt: new Date(NOW).toISOString(),
  createdBy: "alice",
  updatedAt: new Date(NOW).toISOString(),
  updatedBy: "alice",
};
const putEvent = {
  operation: "putUser",
  principalId: "alice",
  requestId: "r-1",
  user: { id: "bob", name: "Bob" },
};
const getEvent = { operation: "getUser", principalId: "alice", requestId: "r-2", id: "bob" };
const deleteEvent = { operation: "deleteUser", principalId: "alice", requestId: "r-3", id: "bob" };

describe("handlers/user/user-handler", () => {
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
  // Created in before(), not while mocha loads the files, so it never overlaps another file's SDK mock.
  let ddb: AwsClientStub<DynamoDBDocumentClient>;
  before(() => {
    ddb = mockClient(documentClient);
  });
  let records: Record<string, unknown>[];
  let handle: ReturnType<typeof createUserHandler>;

  beforeEach(() => {
    ddb.reset();
    records = [];
    const logger = createLogger("user", { write: (line) => records.push(JSON.parse(line)) });
    handle = createUserHandler({ documentClient, tableName: TABLE, logger, now: () => NOW });
  });
  after(() => ddb.restore());

  async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    expect.fail("expected the handler to throw");
  }

  describe("putUser (PUT /user → 204)", () => {
    it("writes the user on behalf of the principal and returns nothing", async () => {
      ddb.on(UpdateCommand).resolves({ Attributes: created });
      expect(await handle(putEvent)).to.equal(undefined);
      const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(input?.Key).to.deep.equal({ id: "bob" });
      expect(input?.ExpressionAttributeValues).to.include({ ":name": "Bob", ":principal": "alice" });
      expect(records[0]).to.include({
        message: "user created",
        operation: "putUser",
        principalId: "alice",
        requestId: "r-1",
        id: "bob",
      });
    });

    it("logs an update when the user already existed", async () => {
      ddb.on(UpdateCommand).resolves({ Attributes: { ...created, createdAt: "2026-01-01T00:00:00.000Z" } });
      await handle(putEvent);
      expect(records[0]).to.include({ message: "user updated" });
    });

    it("answers invalid input with BadRequest before touching the table", async () => {
      const error = await rejection(handle({ ...putEvent, user: { id: "bob", name: "" } }));
      expect(error).to.be.instanceOf(BadRequestError);
      expect(error.message).to.match(/^BadRequest: name must be/);
      expect(ddb.commandCalls(UpdateCommand)).to.have.length(0);
      expect(records[0]).to.include({ level: "INFO", message: "refused" });
    });

    it("answers a call without principal (no authorizer) with BadRequest", async () => {
      const error = await rejection(handle({ ...putEvent, principalId: undefined }));
      expect(error.message).to.match(/^BadRequest: principalId is missing/);
      expect(records[0]).to.not.have.property("principalId");
    });

    it("lets a table failure through as a 500 error (neither BadRequest nor NotFound), logged as ERROR", async () => {
      ddb.on(UpdateCommand).rejects(Object.assign(new Error("throttled"), { name: "ThrottlingException" }));
      const error = await rejection(handle(putEvent));
      expect(error).to.be.instanceOf(ApigwTokenAuthError);
      expect(error.message).to.not.match(/^(BadRequest|NotFound): /);
      expect(records[0]).to.include({ level: "ERROR", message: "failed", id: "bob" });
      expect(records[0]?.cause).to.deep.equal({ name: "ThrottlingException", message: "throttled" });
    });
  });

  describe("getUser (GET /user/{id} → 200/404)", () => {
    it("returns the stored user", async () => {
      ddb.on(GetCommand).resolves({ Item: created });
      expect(await handle(getEvent)).to.deep.equal(created);
      expect(records[0]).to.include({ message: "user read", id: "bob" });
    });

    it("answers a missing user with NotFound", async () => {
      ddb.on(GetCommand).resolves({});
      const error = await rejection(handle(getEvent));
      expect(error).to.be.instanceOf(UserNotFoundError);
      expect(error.message).to.equal("NotFound: user bob does not exist");
      expect(records[0]).to.include({ level: "INFO", message: "refused" });
    });

    it("answers a bad path id with BadRequest without reading", async () => {
      const error = await rejection(handle({ ...getEvent, id: "a b" }));
      expect(error.message).to.match(/^BadRequest: id must be/);
      expect(ddb.commandCalls(GetCommand)).to.have.length(0);
    });

    it("answers a corrupt item with a 500 error", async () => {
      ddb.on(GetCommand).resolves({ Item: { id: "bob" } });
      expect(await rejection(handle(getEvent))).to.be.instanceOf(ApigwTokenAuthError);
      expect(records[0]).to.include({ level: "ERROR" });
    });

    it("answers a network failure with a 500 error", async () => {
      ddb.on(GetCommand).rejects(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
      expect(await rejection(handle(getEvent))).to.be.instanceOf(ApigwTokenAuthError);
    });
  });

  describe("deleteUser (DELETE /user/{id} → 204/404)", () => {
    it("deletes the user and returns nothing", async () => {
      ddb.on(DeleteCommand).resolves({});
      expect(await handle(deleteEvent)).to.equal(undefined);
      expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input.Key).to.deep.equal({ id: "bob" });
      expect(records[0]).to.include({
        message: "user deleted",
        operation: "deleteUser",
        principalId: "alice",
        requestId: "r-3",
        id: "bob",
      });
    });

    it("answers a missing user with NotFound (from the failed condition, no extra read)", async () => {
      ddb
        .on(DeleteCommand)
        .rejects(
          new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }),
        );
      const error = await rejection(handle(deleteEvent));
      expect(error).to.be.instanceOf(UserNotFoundError);
      expect(error.message).to.equal("NotFound: user bob does not exist");
      expect(ddb.commandCalls(GetCommand)).to.have.length(0);
      expect(records[0]).to.include({ level: "INFO", message: "refused", operation: "deleteUser" });
    });

    it("answers a bad path id with BadRequest without deleting", async () => {
      const error = await rejection(handle({ ...deleteEvent, id: "a/b" }));
      expect(error.message).to.match(/^BadRequest: id must be/);
      expect(ddb.commandCalls(DeleteCommand)).to.have.length(0);
    });

    it("answers a table failure with a 500 error, logged as ERROR", async () => {
      ddb.on(DeleteCommand).rejects(Object.assign(new Error("throttled"), { name: "ThrottlingException" }));
      const error = await rejection(handle(deleteEvent));
      expect(error).to.be.instanceOf(ApigwTokenAuthError);
      expect(error.message).to.not.match(/^(BadRequest|NotFound): /);
      expect(records[0]).to.include({ level: "ERROR", message: "failed", id: "bob" });
    });
  });

  it("answers an event that is not an object with BadRequest", async () => {
    const error = await rejection(handle("hello"));
    expect(error.message).to.equal("BadRequest: the event must be an object");
    expect(records[0]).to.include({ message: "refused" });
  });
});
