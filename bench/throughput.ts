/**
 * Throughput and latency, side by side on one machine: the local gateway (on DynamoDB Local, and on
 * the dynalite fallback), serverless-offline (the peer, same bundles, authorizer and mapping
 * templates, same embedded DynamoDB), the fair ceiling
 * (the user function's bundle called in process behind `node:http`, same DynamoDB: ./fair-ceiling.ts)
 * and a bare `node:http` server returning the same body (HTTP alone), for an authorized GET (cached
 * authorizer) and PUT /user at several concurrencies. Also the gateway's own overhead at p50.
 */
import { join, resolve } from "node:path";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { localDynamoDBClient } from "../lib/aws/local-dynamodb.js";
import { codeKeyParameterOverrides, type Manifest } from "../lib/build/manifest.js";
import { loadTemplate } from "../lib/cloudformation/load-template.js";
import { issueToken } from "../lib/tokens/token-issue-revoke.js";
import { resolveStack } from "../local/cloudformation/resolve-stack.js";
import { LOCAL_STACK_NAME, startLocalApi } from "../local/index.js";
import { importUserFunction, startFairCeilingServer } from "./fair-ceiling.js";
import { type GatewayOverhead, measureGatewayOverhead } from "./gateway-overhead.js";
import {
  LEAD_IN_SECONDS,
  type LoadFigures,
  loadTest,
  medianOfRuns,
  type RequestSpec,
  sequentialLatency,
  startBareServer,
  WARM_UP,
  warmUntilSteady,
} from "./http-load.js";
import { type InvocationFigures, measureInvocationConcurrency } from "./invocation-concurrency.js";
import { startPeer } from "./peer-offline.js";

/** The targets, in table order. */
export const TARGETS = [
  "local gateway",
  "local gateway on dynalite",
  "serverless-offline",
  "fair ceiling",
  "bare node:http",
] as const;
export type Target = (typeof TARGETS)[number];

/** The measured routes. */
export const ROUTES = ["GET /user/{id} (cached authorizer)", "PUT /user"] as const;
export type Route = (typeof ROUTES)[number];

/** One cell of the matrix. */
export interface ThroughputCell extends LoadFigures {
  target: Target;
  route: Route;
  connections: number;
}

/** Everything this module measures. */
export interface ThroughputResult {
  cells: ThroughputCell[];
  overhead: GatewayOverhead;
  /** The user function's GET through the local Lambda runtime and in process, 1 and 16 in flight. */
  invocations?: InvocationFigures[];
  /** Set when the peer could not be run; its cells are then missing. */
  peerError?: string;
}

const USER = { id: "bench", name: "Bench User" };

/**
 * Runs the matrix. `peerDir` holds the installed serverless-offline (bench/peer).
 */
export async function measureThroughput(options: {
  manifest: Manifest;
  rootDir: string;
  peerDir: string;
  connections: number[];
  durationSeconds: number;
  runs: number;
  log: (line: string) => void;
  /** Which targets to load (default all); the overhead is measured only with the gateway and bare. */
  targets?: readonly Target[];
}): Promise<ThroughputResult> {
  const wanted = new Set<Target>(options.targets ?? TARGETS);
  const api = await startLocalApi({});
  options.log(`  local gateway on ${api.dynamodb.description}`);
  const client = localDynamoDBClient(api.dynamodb, api.region);
  const documentClient = DynamoDBDocumentClient.from(client);
  const cells: ThroughputCell[] = [];
  let peerError: string | undefined;
  try {
    const token = await benchToken(documentClient, api.tables.TokenTable as string);
    const specs = (base: string, authorization = token): Record<Route, RequestSpec> => ({
      "GET /user/{id} (cached authorizer)": {
        method: "GET",
        url: `${base}/user/${USER.id}`,
        headers: { Authorization: authorization },
        expectStatus: 200,
      },
      "PUT /user": {
        method: "PUT",
        url: `${base}/user`,
        headers: { Authorization: authorization, "content-type": "application/json" },
        body: JSON.stringify(USER),
        expectStatus: 204,
      },
    });
    const local = specs(api.url);
    // The PUT writes the user every GET then reads, and warms the authorizer cache.
    await sequentialLatency(local["PUT /user"], 50);
    const body = await (
      await fetch(local["GET /user/{id} (cached authorizer)"].url, { headers: { Authorization: token } })
    ).text();
    const bare = await startBareServer(body);
    const userFunction = await importUserFunction(options, api.dynamodb, api.tables.UserTable as string);
    const fair = await startFairCeilingServer(userFunction);

    /**
     * Loads each route at each concurrency on every side, their runs interleaved (a b, b a, …) so
     * that drift — DynamoDB Local's JVM still compiling, a busy machine — falls on each side alike,
     * each run after its lead-in at the same load (a side idle while the other ran is slow to resume).
     */
    const run = async (...sides: Array<[Target, Record<Route, RequestSpec>]>) => {
      const measured = sides
        .filter(([target]) => wanted.has(target))
        .map(([target, routeSpecs]) => ({ target, routeSpecs, runs: [] as LoadFigures[] }));
      for (const route of ROUTES) {
        for (const { target, routeSpecs } of measured) {
          // Unmeasured, at the highest concurrency: every worker the load will use is started and
          // its compiled code warm, like DynamoDB Local's (cold starts are not what this compares).
          const warmUp = await warmUntilSteady(routeSpecs[route], Math.max(...options.connections));
          options.log(
            `  ${target} · ${route}: warmed for ${warmUp.length * WARM_UP.windowSeconds} s (req/s ${warmUp.join(" → ")})`,
          );
        }
        for (const connections of options.connections) {
          options.log(
            `  ${measured.map((side) => side.target).join(" / ")} · ${route} · ${connections} connection(s)`,
          );
          const settings = {
            connections,
            durationSeconds: options.durationSeconds,
            runs: 1,
            leadInSeconds: LEAD_IN_SECONDS,
          };
          for (const side of measured) side.runs = [];
          for (let i = 0; i < options.runs; i++) {
            for (const side of i % 2 === 0 ? measured : [...measured].reverse()) {
              side.runs.push(await loadTest(side.routeSpecs[route], settings));
            }
          }
          for (const { target, runs } of measured)
            cells.push({ target, route, connections, ...medianOfRuns(runs) });
        }
      }
    };

    try {
      // The fair ceiling isolates what the gateway costs: the two are loaded turn about.
      await run(["local gateway", local], ["fair ceiling", specs(`${fair.origin}/v1`)]);
      if (api.dynamodb.backend === "dynamodb-local" && wanted.has("local gateway on dynalite")) {
        await withDynaliteGateway(async (url, dynaliteToken) => {
          await sequentialLatency(specs(url, dynaliteToken)["PUT /user"], 50);
          await run(["local gateway on dynalite", specs(url, dynaliteToken)]);
        });
      }
      await run(["bare node:http", specs(bare.origin)]);
      if (wanted.has("serverless-offline")) {
        try {
          const stack = resolveStack(loadTemplate(join(options.rootDir, "cloudformation/api.yaml")), {
            stackName: LOCAL_STACK_NAME,
            parameterOverrides: {
              ArtifactBucket: "local-artifacts",
              ...codeKeyParameterOverrides(options.manifest),
            },
          });
          const peer = await startPeer({
            stack,
            manifest: options.manifest,
            rootDir: options.rootDir,
            serviceDir: resolve(options.rootDir, "dist/bench/peer-service"),
            dynamodb: api.dynamodb,
            tables: api.tables,
            peerDir: options.peerDir,
          });
          try {
            await sequentialLatency(specs(peer.url)["GET /user/{id} (cached authorizer)"], 50);
            await run(["serverless-offline", specs(peer.url)]);
          } finally {
            await peer.stop();
          }
        } catch (error) {
          peerError = (error as Error).message.slice(0, 2000);
          options.log(`  serverless-offline could not be measured: ${peerError}`);
        }
      }
      const overhead = await measureGatewayOverhead({
        api,
        handler: userFunction,
        gateway: local["GET /user/{id} (cached authorizer)"],
        bare: specs(bare.origin)["GET /user/{id} (cached authorizer)"],
        userId: USER.id,
      });
      const invocations = await measureInvocationConcurrency({
        api,
        handler: userFunction,
        userId: USER.id,
        inFlight: [1, 16],
      });
      return {
        cells,
        overhead,
        invocations,
        ...(peerError ? { peerError } : {}),
      };
    } finally {
      await Promise.all([bare.stop(), fair.stop()]);
    }
  } finally {
    client.destroy();
    await api.stop();
  }
}

/** A token for the benchmark's routes. */
async function benchToken(documentClient: DynamoDBDocumentClient, tokenTable: string): Promise<string> {
  const { token } = await issueToken(
    { client: documentClient, tableName: tokenTable },
    { principalId: "bench", scopes: ["PUT /user", "GET /user/{id}"], description: "make bench" },
  );
  return token;
}

/** Runs `use` against a second local API on the dynalite fallback (the same template and bundles). */
async function withDynaliteGateway(use: (url: string, token: string) => Promise<void>): Promise<void> {
  const api = await startLocalApi({ dynamodbBackend: "dynalite" });
  const client = localDynamoDBClient(api.dynamodb, api.region);
  try {
    await use(
      api.url,
      await benchToken(DynamoDBDocumentClient.from(client), api.tables.TokenTable as string),
    );
  } finally {
    client.destroy();
    await api.stop();
  }
}
