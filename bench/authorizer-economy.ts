/**
 * Authorizer economy through the local gateway: one token makes `requests` calls alternating
 * `PUT /user` and `GET /user/{id}` within one cache TTL window; the DynamoDB proxy counts the
 * authorizer's GetItem calls on the token table. Compared with the naive authorizer
 * (bench/naive-authorizer: a policy for `event.methodArn` only), cached and with the cache off.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { bundleFunction } from "../lib/build/bundle.js";
import type { Manifest } from "../lib/build/manifest.js";
import { startLocalStack } from "./lib/local-stack.js";

/** One design's figures. */
export interface EconomyRow {
  design: string;
  ttlSeconds: number;
  requests: number;
  /** GetItem calls on the token table (the authorizer's only DynamoDB call). */
  getItemCalls: number;
  getItemPer1000: number;
  /** 403 answers to requests the token's scopes allow. */
  wrong403s: number;
  /** Answers that were neither the expected success nor 403. */
  otherFailures: number;
}

/** Where the naive authorizer is bundled to and its manifest written (under dist/, rebuilt each run). */
const NAIVE_BUILD_ROOT = "dist/bench/naive";
const NAIVE_MANIFEST = "dist/bench/naive-manifest.json";

/**
 * Measures the real authorizer and the naive one (cached, and with TTL 0).
 */
export async function measureAuthorizerEconomy(options: {
  manifest: Manifest;
  rootDir: string;
  requests: number;
}): Promise<EconomyRow[]> {
  const naiveManifestPath = await buildNaiveManifest(options.manifest, options.rootDir);
  return [
    await measureDesign("scoped policy (this project)", options.requests, 300),
    await measureDesign("naive: event.methodArn only", options.requests, 300, naiveManifestPath),
    await measureDesign("naive with the cache off", options.requests, 0, naiveManifestPath),
  ];
}

/** Bundles the naive authorizer like every function and points a manifest copy's AuthorizerFunction at it. */
async function buildNaiveManifest(manifest: Manifest, rootDir: string): Promise<string> {
  const real = manifest.functions.AuthorizerFunction;
  if (real === undefined) throw new Error("the manifest has no AuthorizerFunction: run make package");
  const buildDir = await bundleFunction(
    { logicalId: "AuthorizerFunction", entryPoint: "bench/naive-authorizer/index.ts", codeKeyParameter: "" },
    { root: rootDir, buildDir: NAIVE_BUILD_ROOT },
  );
  const naive: Manifest = { functions: { ...manifest.functions, AuthorizerFunction: { ...real, buildDir } } };
  const path = resolve(rootDir, NAIVE_MANIFEST);
  writeFileSync(path, `${JSON.stringify(naive, null, 2)}\n`);
  return path;
}

async function measureDesign(
  design: string,
  requests: number,
  ttlSeconds: number,
  manifestPath?: string,
): Promise<EconomyRow> {
  const stack = await startLocalStack({
    parameterOverrides: { AuthorizerTtlSeconds: String(ttlSeconds) },
    ...(manifestPath ? { manifestPath } : {}),
  });
  try {
    const token = await stack.issue("economy", ["PUT /user", "GET /user/{id}"]);
    const headers = { Authorization: token, "content-type": "application/json" };
    let wrong403s = 0;
    let otherFailures = 0;
    for (let i = 0; i < requests; i++) {
      const id = `economy-${Math.floor(i / 2)}`;
      const put = i % 2 === 0;
      const response = await fetch(put ? `${stack.api.url}/user` : `${stack.api.url}/user/${id}`, {
        method: put ? "PUT" : "GET",
        headers,
        ...(put ? { body: JSON.stringify({ id, name: `Economy ${i}` }) } : {}),
      });
      await response.arrayBuffer();
      if (response.status === 403) wrong403s++;
      // A GET after a refused PUT finds no user: 404 is the expected answer there, not a failure.
      else if (![200, 204, 404].includes(response.status)) otherFailures++;
    }
    const getItemCalls = stack.proxy.count("GetItem", stack.api.tables.TokenTable);
    return {
      design,
      ttlSeconds,
      requests,
      getItemCalls,
      getItemPer1000: (getItemCalls * 1000) / requests,
      wrong403s,
      otherFailures,
    };
  } finally {
    await stack.stop();
  }
}
