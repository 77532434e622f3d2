/**
 * The token store the lib/tokens unit tests share: a DynamoDB document client whose calls are
 * mocked for the enclosing suite (through useAwsMocks), the store around it, and one token record.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { digestToken } from "../../../../handlers/shared/token.js";
import type { TokenStore } from "../../../../lib/tokens/token-store.js";
import { useAwsMocks } from "../../../support/aws-mocks.js";

/** A stored record of the token `abc`. */
export const ALICE_RECORD = {
  tokenDigest: digestToken("abc"),
  principalId: "alice",
  scopes: ["PUT /user"],
  createdAt: "2026-01-01T00:00:00.000Z",
};

/** Call inside a `describe`: the mocked client's stub is `aws.ddb` once the suite has started. */
export function useMockedTokenStore() {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "eu-west-1" }));
  const aws = useAwsMocks({ ddb: client });
  const store: TokenStore = {
    client,
    tableName: "tokens",
    audit: { tableName: "audit", actor: "arn:aws:iam::1:user/ada" },
  };
  return { client, aws, store };
}
