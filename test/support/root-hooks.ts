/**
 * Mocha root hooks (loaded by .mocharc.json for every run): after the last test, stop the one
 * in-memory DynamoDB Local JVM the test process shares (see local/dynamodb/embedded-dynamodb.ts).
 */
import { stopSharedDynamoDBLocal } from "../../local/dynamodb/embedded-dynamodb.js";

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopSharedDynamoDBLocal();
  },
};
