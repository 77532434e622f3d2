/**
 * `make smoke`: real requests that show the deployed API's token authentication works end to end: no,
 * malformed and unknown tokens get 401; a fresh token writes, reads and deletes a user (so a run leaves
 * none behind); a token scoped to GET gets 403 for PUT and DELETE. The tokens it issues (through the
 * token store, audited) are revoked at the end, whatever happened.
 */
import { setTimeout as delay } from "node:timers/promises";
import { digestPrefix, generateToken } from "../../handlers/shared/token.js";
import { createAwsClients, destroyAwsClients } from "../../lib/aws/aws-clients.js";
import { requireOutput, requireStack } from "../../lib/aws/stack-state.js";
import { issueToken, revokeToken } from "../../lib/tokens/token-issue-revoke.js";
import { stackTokenTarget } from "../tokens/stack-target.js";
import { printLine, readDeploySettings } from "./settings.js";

/** Whom the smoke test's tokens speak for (visible in `token list` and the user items). */
export const SMOKE_PRINCIPAL = "make-smoke";

/** Tests replace fetch and the 1 s sleep between retries. */
export interface SmokeOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** Retries of a fresh token's 401, 1 s apart: a new token may take a moment to be readable. */
const FRESH_TOKEN_RETRIES = 5;

/** One request and the status it must get; `fresh`: retry a 401 (the token was just issued). */
interface Check {
  name: string;
  method: "GET" | "PUT" | "DELETE";
  path: string;
  token?: string;
  body?: unknown;
  expected: number;
  fresh?: boolean;
  bodyIncludes?: string;
}

/**
 * `make smoke` as a function, against the stack the environment names; returns how many checks failed.
 *
 * @example
 * ```ts
 * process.exitCode = (await runSmoke()) === 0 ? 0 : 1;
 * ```
 */
export async function runSmoke(options: SmokeOptions = {}): Promise<number> {
  const settings = readDeploySettings(options.env ?? process.env);
  const log = options.log ?? printLine;
  const clients = createAwsClients(settings);
  try {
    const stack = await requireStack(clients.cloudformation, settings.stackName);
    const apiUrl = requireOutput(stack, "ApiUrl");
    // The token CLI's `--stack` target: the stack's token table (checked to exist) and audit table.
    const target = await stackTokenTarget(clients, stack);
    const audit = { tableName: target.auditTableName, actor: await target.actor(), reason: "make smoke" };
    const store = { ...target, audit };
    log(`Smoke test of ${apiUrl} (tokens in ${target.tableName}, principal ${SMOKE_PRINCIPAL})`);
    const issued: string[] = [];
    const issue = async (scopes: string[]) => {
      const { token, record } = await issueToken(store, {
        principalId: SMOKE_PRINCIPAL,
        scopes,
        // Expires by itself should the revocation below never run (a killed process).
        expiresInSeconds: 3600,
        description: "make smoke",
      });
      issued.push(record.tokenDigest);
      log(`Issued token ${digestPrefix(record.tokenDigest)} with scopes ${scopes.join(", ")}`);
      return token;
    };
    try {
      const fresh = await issue(["*"]);
      const readOnly = await issue(["GET /user/*"]);
      let failed = 0;
      for (const check of smokeChecks(`smoke-${Date.now()}`, fresh, readOnly)) {
        const problem = await runCheck(apiUrl.replace(/\/+$/, ""), check, options);
        if (problem !== undefined) failed += 1;
        log(
          problem === undefined
            ? `PASS  ${check.name}: ${check.method} ${check.path} → ${check.expected}`
            : `FAIL  ${check.name}: ${check.method} ${check.path}: ${problem}`,
        );
      }
      return failed;
    } finally {
      for (const digest of issued) await revokeToken(store, { digest });
      log("Revoked the tokens this smoke test issued.");
    }
  } finally {
    destroyAwsClients(clients);
  }
}

/** The checks, in order, with a token scoped to everything (`fresh`) and one scoped to GET. */
function smokeChecks(userId: string, fresh: string, readOnly: string): Check[] {
  const get = { method: "GET", path: `/user/${userId}` } as const;
  const put = { method: "PUT", path: "/user", body: { id: userId, name: "Smoke Test" } } as const;
  const del = { method: "DELETE", path: `/user/${userId}` } as const;
  return [
    { name: "no token", ...get, expected: 401 },
    { name: "malformed token", ...get, token: "not a token!", expected: 401 },
    { name: "unknown token", ...get, token: generateToken(), expected: 401 },
    { name: "fresh token, PUT /user", ...put, token: fresh, expected: 204, fresh: true },
    { name: "fresh token, GET /user/{id}", ...get, token: fresh, expected: 200, bodyIncludes: `"${userId}"` },
    { name: "GET-only token, GET /user/{id}", ...get, token: readOnly, expected: 200, fresh: true },
    { name: "GET-only token, PUT /user (out of scope)", ...put, token: readOnly, expected: 403 },
    { name: "GET-only token, DELETE /user/{id} (out of scope)", ...del, token: readOnly, expected: 403 },
    { name: "fresh token, DELETE /user/{id} (removes the smoke user)", ...del, token: fresh, expected: 204 },
    { name: "fresh token, GET /user/{id} after DELETE", ...get, token: fresh, expected: 404 },
  ];
}

/** What is wrong with the check's response, or `undefined` when it passed. */
async function runCheck(base: string, check: Check, options: SmokeOptions): Promise<string | undefined> {
  const { token, body } = check;
  for (let attempt = 0; ; attempt++) {
    const response = await (options.fetch ?? fetch)(`${base}${check.path}`, {
      method: check.method,
      headers: {
        ...(token === undefined ? {} : { Authorization: token }),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status === 401 && check.fresh && attempt < FRESH_TOKEN_RETRIES) {
      await (options.sleep ?? delay)(1000);
    } else if (response.status !== check.expected) {
      return `expected ${check.expected}, got ${response.status} ${text.slice(0, 200)}`;
    } else {
      return check.bodyIncludes === undefined || text.includes(check.bodyIncludes)
        ? undefined
        : `body lacks ${check.bodyIncludes}: ${text.slice(0, 200)}`;
    }
  }
}
