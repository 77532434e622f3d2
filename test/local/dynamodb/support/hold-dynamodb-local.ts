/**
 * A parent for the orphan test: starts DynamoDB Local on the data directory given as argument,
 * prints `{"endpoint": ...}` once it answers, then waits to be killed.
 */
import { startEmbeddedDynamoDB } from "../../../../local/dynamodb/embedded-dynamodb.js";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: hold-dynamodb-local.ts <dataDir>");
const dynamodb = await startEmbeddedDynamoDB({ dataDir, backend: "dynamodb-local" });
process.stdout.write(`${JSON.stringify({ endpoint: dynamodb.endpoint })}\n`);
setInterval(() => undefined, 60_000);
