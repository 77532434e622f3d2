/**
 * What the local DynamoDB gate costs per DynamoDB call: the same GetItem on the same DynamoDB, signed
 * by the UserFunction's key through that function's own gate as its worker runs it (reached through
 * memory; the signature check, the role's policy evaluation, the forward) and sent straight to the
 * DynamoDB (gate off), sequentially and 16 in flight. Blocks of the two modes alternate so machine
 * noise falls on both alike.
 */
import { join } from "node:path";
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { generateLocalCredentials, localDynamoDBClient } from "../lib/aws/local-dynamodb.js";
import { codeKeyParameterOverrides, type Manifest } from "../lib/build/manifest.js";
import { loadTemplate } from "../lib/cloudformation/load-template.js";
import { resolveStack } from "../local/cloudformation/resolve-stack.js";
import { resourcesOfType } from "../local/cloudformation/resolved-stack.js";
import { startEmbeddedDynamoDB } from "../local/dynamodb/embedded-dynamodb.js";
import { createStackTables } from "../local/dynamodb/stack-tables.js";
import { gateUpstream } from "../local/iam/dynamodb-gate.js";
import { startFunctionGate } from "../local/iam/function-gate.js";
import { LOCAL_STACK_NAME } from "../local/index.js";
import { median, percentile, round } from "./lib/stats.js";

/** One mode's figures. */
export interface GateModeFigures {
  p50Ms: number;
  p99Ms: number;
  /** GetItem calls per second with 16 in flight. */
  callsPerSecond16: number;
}

/** Gate on vs off, and what the gate adds. */
export interface GateCostResult {
  backend: string;
  calls: number;
  direct: GateModeFigures;
  gate: GateModeFigures;
  /** gate p50 − direct p50. */
  addedP50Ms: number;
}

/**
 * Measures `calls` GetItems per mode.
 *
 * @example
 * ```ts
 * import { readManifest } from "../lib/build/manifest.js";
 *
 * const result = await measureGateCost({ manifest: readManifest(), rootDir: ".", calls: 2000 });
 * console.log(`the gate adds ${result.addedP50Ms} ms per call at p50`);
 * ```
 */
export async function measureGateCost(options: {
  manifest: Manifest;
  rootDir: string;
  calls: number;
}): Promise<GateCostResult> {
  const stack = resolveStack(loadTemplate(join(options.rootDir, "cloudformation/api.yaml")), {
    stackName: LOCAL_STACK_NAME,
    parameterOverrides: { ArtifactBucket: "local-artifacts", ...codeKeyParameterOverrides(options.manifest) },
  });
  const dynamodb = await startEmbeddedDynamoDB({ dataDir: null, region: stack.region });
  const userKey = generateLocalCredentials();
  // This process's connections to the gate's port go through memory while it runs, as in the worker.
  const gate = await startFunctionGate(
    { stack, logicalId: "UserFunction", credentials: userKey, upstream: gateUpstream(dynamodb) },
    () => undefined,
  );
  const direct = localDynamoDBClient(dynamodb, stack.region);
  const viaGate = localDynamoDBClient({ endpoint: gate.endpoint, credentials: userKey }, stack.region);
  try {
    const tables = await createStackTables(direct, stack, dynamodb.capabilities);
    const table = tables.UserTable ?? resourcesOfType(stack, "AWS::DynamoDB::Table")[0]?.[1].physicalId;
    if (!table) throw new Error("the template has no user table");
    await direct.send(
      new PutItemCommand({ TableName: table, Item: { id: { S: "bench" }, name: { S: "Bench" } } }),
    );
    const get = new GetItemCommand({ TableName: table, Key: { id: { S: "bench" } } });
    const samples = { direct: [] as number[], gate: [] as number[] };
    const block = Math.max(50, Math.floor(options.calls / 10));
    for (const client of [direct, viaGate]) for (let i = 0; i < 100; i++) await client.send(get);
    for (let done = 0; done < options.calls; done += block) {
      for (const [mode, client] of [
        ["direct", direct],
        ["gate", viaGate],
      ] as const) {
        for (let i = 0; i < block; i++) {
          const started = process.hrtime.bigint();
          await client.send(get);
          samples[mode].push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }
    }
    const figures = async (mode: "direct" | "gate", client: DynamoDBClient): Promise<GateModeFigures> => ({
      p50Ms: round(median(samples[mode]), 3),
      p99Ms: round(percentile(samples[mode], 99), 3),
      callsPerSecond16: await inFlight(client, get, options.calls, 16),
    });
    const directFigures = await figures("direct", direct);
    const gateFigures = await figures("gate", viaGate);
    return {
      backend: dynamodb.description,
      calls: options.calls,
      direct: directFigures,
      gate: gateFigures,
      addedP50Ms: round(gateFigures.p50Ms - directFigures.p50Ms, 3),
    };
  } finally {
    direct.destroy();
    viaGate.destroy();
    await gate.stop();
    await dynamodb.stop();
  }
}

/** Calls per second for `calls` GetItems with `concurrency` in flight. */
async function inFlight(
  client: DynamoDBClient,
  get: GetItemCommand,
  calls: number,
  concurrency: number,
): Promise<number> {
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) await client.send(get);
    }),
  );
  return Math.round(calls / ((Date.now() - started) / 1000));
}
