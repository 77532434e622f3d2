import { expect } from "chai";
import { runSmokeChecks, type SmokeTokens } from "../../../scripts/deploy/smoke-checks.js";

/** Tokens kept in memory, with the scopes they were issued with. */
function memoryTokens() {
  const issued = new Map<string, string[]>();
  let revoked = 0;
  const tokens: SmokeTokens = {
    issue: async (scopes) => {
      const token = `tok${issued.size}${"x".repeat(20)}`;
      issued.set(token, scopes);
      return token;
    },
    revokeAll: async () => {
      revoked = issued.size;
      issued.clear();
    },
  };
  return { tokens, issued, revoked: () => revoked };
}

/** A gateway that behaves like the deployed API: 401 for no/unknown token, 403 out of scope. */
function gateway(
  issued: Map<string, string[]>,
  overrides: { noTokenStatus?: number; staleReads?: number } = {},
) {
  let stale = overrides.staleReads ?? 0;
  const calls: string[] = [];
  const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    const headers = (init?.headers ?? {}) as Record<string, string>;
    calls.push(`${method} ${String(url)}`);
    const token = headers.Authorization;
    if (token === undefined)
      return new Response('{"message":"Unauthorized"}', { status: overrides.noTokenStatus ?? 401 });
    const scopes = issued.get(token);
    if (scopes === undefined || stale-- > 0)
      return new Response('{"message":"Unauthorized"}', { status: 401 });
    if (!scopes.includes("*") && method === "PUT") return new Response("{}", { status: 403 });
    if (method === "PUT") return new Response(null, { status: 204 });
    return new Response(`{"id":"${String(url).split("/").pop()}","name":"Smoke Test"}`, { status: 200 });
  }) as typeof fetch;
  return { fetchFn, calls };
}

describe("scripts/deploy/smoke-checks", () => {
  const options = (fetchFn: typeof fetch, lines: string[]) => ({
    fetch: fetchFn,
    log: (line: string) => lines.push(line),
    sleep: async () => {},
    freshTokenRetries: 3,
    userId: "smoke-1",
  });

  it("passes against an API that authenticates as specified, and revokes the tokens it issued", async () => {
    const { tokens, issued, revoked } = memoryTokens();
    const { fetchFn, calls } = gateway(issued);
    const lines: string[] = [];
    expect(await runSmokeChecks("https://abc.example/v1/", tokens, options(fetchFn, lines))).to.equal(0);
    expect(lines.filter((line) => line.startsWith("PASS"))).to.have.length(7);
    expect(calls[0]).to.equal("GET https://abc.example/v1/user/smoke-1");
    expect(revoked()).to.equal(2);
    expect(lines.join("\n")).not.to.include("tok0"); // tokens are never printed
  });

  it("retries a fresh token's 401 while the new record is not readable yet", async () => {
    const { tokens, issued } = memoryTokens();
    const lines: string[] = [];
    // The unknown-token check consumes nothing (it is not issued); the first fresh-token call sees stale reads.
    const { fetchFn } = gateway(issued, { staleReads: 2 });
    expect(await runSmokeChecks("https://abc.example/v1", tokens, options(fetchFn, lines))).to.equal(0);
  });

  it("counts a check that gets the wrong status as failed, saying what came instead", async () => {
    const { tokens, issued } = memoryTokens();
    const { fetchFn } = gateway(issued, { noTokenStatus: 200 });
    const lines: string[] = [];
    expect(await runSmokeChecks("https://abc.example/v1", tokens, options(fetchFn, lines))).to.equal(1);
    expect(lines[0]).to.match(/^FAIL {2}no token: GET \/user\/smoke-1: expected 401, got 200/);
  });

  it("revokes the tokens even when the API cannot be reached", async () => {
    const { tokens, revoked } = memoryTokens();
    const failing = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    const error = await runSmokeChecks("https://abc.example/v1", tokens, options(failing, [])).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(TypeError);
    expect(revoked()).to.equal(2);
  });
});
