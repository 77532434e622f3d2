/**
 * `make smoke`: a handful of real requests against the deployed API that show the token
 * authentication works end to end: no token and a bad token are refused (401), a fresh token
 * writes and reads a user (204, 200), and a token scoped to GET is refused a PUT (403). The tokens
 * it issues are revoked at the end, whatever happened.
 */
import { generateToken } from "../../handlers/shared/token.js";

/** Issues and revokes tokens in the stack's token table. */
export interface SmokeTokens {
  /** Issues a token with these scopes; returns the token (never printed). */
  issue: (scopes: string[]) => Promise<string>;
  /** Revokes every token `issue` handed out. */
  revokeAll: () => Promise<void>;
}

/** One request and the status it must get. */
interface Check {
  name: string;
  method: "GET" | "PUT";
  path: string;
  authorization?: string;
  body?: unknown;
  expected: number;
  /** A fresh token may take a moment to be readable: retry a 401 a few times. */
  freshToken?: boolean;
  /** Extra check on the response body. */
  bodyCheck?: (body: string) => string | undefined;
}

/** How the checks are run; tests replace fetch and sleep. */
export interface SmokeOptions {
  fetch: typeof fetch;
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  /** Retries of a fresh token's 401 (1 s apart). */
  freshTokenRetries: number;
  /** The user id the checks write and read (a new one each run). */
  userId: string;
}

/**
 * Runs the checks against `apiUrl` (the stack's ApiUrl output); returns how many failed.
 *
 * @example
 * ```ts
 * const failed = await runSmokeChecks(apiUrl, tokens, { fetch, log: console.log, sleep, freshTokenRetries: 5, userId: "smoke-1" });
 * ```
 */
export async function runSmokeChecks(
  apiUrl: string,
  tokens: SmokeTokens,
  options: SmokeOptions,
): Promise<number> {
  const { userId, log } = options;
  const base = apiUrl.replace(/\/+$/, "");
  let failed = 0;
  try {
    const fresh = await tokens.issue(["*"]);
    const readOnly = await tokens.issue(["GET /user/*"]);
    const user = { id: userId, name: "Smoke Test" };
    const checks: Check[] = [
      { name: "no token", method: "GET", path: `/user/${userId}`, expected: 401 },
      {
        name: "malformed token",
        method: "GET",
        path: `/user/${userId}`,
        authorization: "not a token!",
        expected: 401,
      },
      {
        name: "unknown token",
        method: "GET",
        path: `/user/${userId}`,
        authorization: generateToken(),
        expected: 401,
      },
      {
        name: "fresh token, PUT /user",
        method: "PUT",
        path: "/user",
        authorization: fresh,
        body: user,
        expected: 204,
        freshToken: true,
      },
      {
        name: "fresh token, GET /user/{id}",
        method: "GET",
        path: `/user/${userId}`,
        authorization: fresh,
        expected: 200,
        bodyCheck: (body) =>
          body.includes(`"${userId}"`) ? undefined : `body lacks the user id: ${body.slice(0, 200)}`,
      },
      {
        name: "GET-only token, GET /user/{id}",
        method: "GET",
        path: `/user/${userId}`,
        authorization: readOnly,
        expected: 200,
        freshToken: true,
      },
      {
        name: "GET-only token, PUT /user (out of scope)",
        method: "PUT",
        path: "/user",
        authorization: readOnly,
        body: user,
        expected: 403,
      },
    ];
    for (const check of checks) {
      const problem = await runCheck(base, check, options);
      if (problem === undefined) {
        log(`PASS  ${check.name}: ${check.method} ${check.path} → ${check.expected}`);
      } else {
        failed += 1;
        log(`FAIL  ${check.name}: ${check.method} ${check.path}: ${problem}`);
      }
    }
  } finally {
    await tokens.revokeAll();
    log("Revoked the tokens this smoke test issued.");
  }
  return failed;
}

async function runCheck(base: string, check: Check, options: SmokeOptions): Promise<string | undefined> {
  for (let attempt = 0; ; attempt++) {
    const response = await options.fetch(`${base}${check.path}`, {
      method: check.method,
      headers: {
        ...(check.authorization === undefined ? {} : { Authorization: check.authorization }),
        ...(check.body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(check.body === undefined ? {} : { body: JSON.stringify(check.body) }),
    });
    const body = await response.text();
    if (response.status === 401 && check.freshToken && attempt < options.freshTokenRetries) {
      await options.sleep(1000);
      continue;
    }
    if (response.status !== check.expected) {
      return `expected ${check.expected}, got ${response.status} ${body.slice(0, 200)}`;
    }
    return check.bodyCheck?.(body);
  }
}
