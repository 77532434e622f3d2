/**
 * The embedded DynamoDB of the local run: dynalite, in this process, on 127.0.0.1. Data lives in a
 * LevelDB directory (so a restart keeps every token and user) or in memory for tests.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { closeServer, listen } from "../listen.js";

/** Where and how to run it. */
export interface EmbeddedDynamoDBOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = an ephemeral port. Default 0. */
  port?: number;
  /** LevelDB directory (created if missing); null keeps everything in memory. */
  dataDir: string | null;
}

/** A running embedded DynamoDB. */
export interface EmbeddedDynamoDB {
  /** `http://127.0.0.1:<port>`: what `AWS_ENDPOINT_URL_DYNAMODB` is set to. */
  endpoint: string;
  port: number;
  /** Stops the server and closes the database (flushing it to disk). */
  stop(): Promise<void>;
}

/**
 * Starts dynalite. Tables are ACTIVE as soon as they are created (`createTableMs: 0`).
 * A taken port rejects with a `PortInUseError` that names `DYNAMODB_PORT`.
 *
 * @example
 * ```ts
 * const dynamodb = await startEmbeddedDynamoDB({ port: 8000, dataDir: ".local/data" });
 * const client = localDynamoDBClient(dynamodb.endpoint);
 * ```
 */
export async function startEmbeddedDynamoDB(options: EmbeddedDynamoDBOptions): Promise<EmbeddedDynamoDB> {
  const { host = "127.0.0.1", port = 0, dataDir } = options;
  const path = dataDir === null ? undefined : resolve(dataDir);
  if (path) mkdirSync(path, { recursive: true });
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const bound = await listen(server, host, port, {
    service: "the embedded DynamoDB",
    envVariable: "DYNAMODB_PORT",
  });
  return {
    endpoint: `http://${host}:${bound}`,
    port: bound,
    stop: () => closeServer(server),
  };
}

/**
 * A DynamoDB client for the embedded DynamoDB (fake credentials: dynalite accepts any).
 *
 * @example
 * ```ts
 * const documentClient = DynamoDBDocumentClient.from(localDynamoDBClient("http://127.0.0.1:8000"));
 * ```
 */
export function localDynamoDBClient(endpoint: string, region = "us-east-1"): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 2,
  });
}
