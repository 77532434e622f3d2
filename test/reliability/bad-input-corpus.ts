/**
 * The bad-input corpus: requests a client may send by mistake or on purpose, each with the answer
 * API Gateway documents for it (behaviour reference §2–§9, §13, §14): 401 for a missing, malformed
 * or unknown token, 403 for a route that does not exist or a method the token's scopes do not
 * grant, 400 for a body the User model refuses or an id the function refuses, 413 for a payload
 * over 10 MB, 415 for a content type without a mapping template, and the HTTP server's own 400/431
 * for requests that are not valid HTTP (header injection); and the local run's own hardening:
 * query and header names such as `constructor`/`__proto__` and thousands of headers served like any
 * other (200), bursts of large bodies or of invocations answered 429 like API Gateway's throttling,
 * user names with format characters, separators or lone surrogates refused (400).
 */

/** One bad request. `raw` cases are sent byte for byte over a socket (fetch would refuse them). */
export interface BadInputCase {
  name: string;
  method: string;
  /** Path after the stage, e.g. `/user/42`; for raw cases, the whole request target. */
  path: string;
  /** `Authorization`: the valid token unless set (null = no header). */
  token?: string | null;
  headers?: Record<string, string>;
  body?: string;
  /** A complete raw HTTP request; `{token}` and `{host}` are filled in. */
  raw?: string;
  /** For a raw burst (with `parallel`): `raw` is the head, this the body sent once every head is in. */
  rawBody?: string;
  expectStatus: number;
  /** The exact body API Gateway sends for this answer, when it is fixed. */
  expectBody?: string;
  /**
   * Sent `copies` times at once: at least one answer must be `expectStatus` (with `expectBody`), and
   * every other one of `otherStatuses` (the copies that got through).
   */
  parallel?: { copies: number; otherStatuses: number[] };
}

const UNAUTHORIZED = '{"message":"Unauthorized"}';
const MISSING_AUTH_TOKEN = '{"message":"Missing Authentication Token"}';
const INVALID_BODY = '{"message":"Invalid request body"}';
const TOO_MANY_REQUESTS = '{"message":"Too Many Requests"}';
/** A 9.9 MB user (ASCII, so its length is its byte count): under the 10 MB limit, over the model's. */
const BIG_BODY = JSON.stringify({ id: "a", name: "x".repeat(9_900_000) });

/** A GET of the seeded user that must succeed whatever the query or headers add. */
const served = (name: string, query: string, headers: Record<string, string> = {}): BadInputCase => ({
  name,
  method: "GET",
  path: `/user/seed${query}`,
  headers,
  expectStatus: 200,
});

const put = (name: string, body: string, extra: Partial<BadInputCase> = {}): BadInputCase => ({
  name,
  method: "PUT",
  path: "/user",
  headers: { "content-type": "application/json" },
  body,
  expectStatus: 400,
  expectBody: INVALID_BODY,
  ...extra,
});
const user = (fields: Record<string, unknown>) => JSON.stringify(fields);
const tokenCase = (name: string, token: string | null): BadInputCase => ({
  name,
  method: "GET",
  path: "/user/seed",
  token,
  expectStatus: 401,
  expectBody: UNAUTHORIZED,
});
const idCase = (name: string, encodedId: string): BadInputCase => ({
  name,
  method: "GET",
  path: `/user/${encodedId}`,
  expectStatus: 400,
});
const noRoute = (name: string, method: string, path: string): BadInputCase => ({
  name,
  method,
  path,
  expectStatus: 403,
  expectBody: MISSING_AUTH_TOKEN,
});
const rawCase = (name: string, raw: string, expectStatus = 400): BadInputCase => ({
  name,
  method: "RAW",
  path: "",
  raw,
  expectStatus,
});

/** Builds the corpus; `tokens` are the extra tokens the suite prepares. */
export function badInputCorpus(tokens: {
  unknown: string;
  revoked: string;
  expired: string;
  getOnly: string;
  /** An agent token (bound to an X-AgentID): only the agents' authorizer accepts it. */
  agent: string;
}) {
  return [
    // Tokens (401, the authorizer is not even invoked for a malformed one).
    tokenCase("no Authorization header", null),
    tokenCase("empty Authorization header", ""),
    tokenCase("2-character token", "ab"),
    tokenCase("33-character token", "a".repeat(33)),
    tokenCase("10,000-character token", "a".repeat(10_000)),
    tokenCase("token with a hyphen", "abc-def-123"),
    tokenCase("token with an underscore", "abc_def_123"),
    tokenCase("Bearer prefix (the whole header is the token)", `Bearer ${tokens.unknown}`),
    tokenCase("non-ASCII token", "t\u00f6k\u00e9n123"),
    tokenCase("SQL in the token", "x' OR '1'='1"),
    tokenCase("well-formed but never issued", tokens.unknown),
    tokenCase("revoked token", tokens.revoked),
    tokenCase("expired token", tokens.expired),
    tokenCase("agent token presented as a bearer token, without X-AgentID", tokens.agent),
    // Scopes (403 from the policy, nothing written).
    {
      name: "PUT with a token scoped to GET only",
      method: "PUT",
      path: "/user",
      token: tokens.getOnly,
      headers: { "content-type": "application/json" },
      body: user({ id: "scoped", name: "Scoped" }),
      expectStatus: 403,
    },
    {
      name: "DELETE of the seeded user with a token scoped to GET only",
      method: "DELETE",
      path: "/user/seed",
      token: tokens.getOnly,
      expectStatus: 403,
    },
    // Malformed JSON and wrong shapes (400 from the request validator).
    put("truncated JSON", '{"id":"a","name":'),
    put("unquoted keys", '{id:"a",name:"b"}'),
    put("trailing comma", '{"id":"a","name":"b",}'),
    put("empty body", ""),
    put("JSON null", "null"),
    put("JSON array", "[]"),
    put("JSON string", '"user"'),
    put("JSON number", "42"),
    put("id is a number", user({ id: 1, name: "x" })),
    put("id is a boolean", user({ id: true, name: "x" })),
    put("name is a number", user({ id: "a", name: 1 })),
    put("name is an object", user({ id: "a", name: { first: "x" } })),
    put("name is an array", user({ id: "a", name: ["x"] })),
    put("name is null", user({ id: "a", name: null })),
    put("missing id", user({ name: "x" })),
    put("missing name", user({ id: "a" })),
    put("empty object", "{}"),
    put("extra field", user({ id: "a", name: "x", admin: true })),
    put("__proto__ field", '{"id":"a","name":"x","__proto__":{"admin":true}}'),
    put("audit field smuggled in", user({ id: "a", name: "x", createdBy: "root" })),
    put("empty id", user({ id: "", name: "x" })),
    put("empty name", user({ id: "a", name: "" })),
    put("65-character id", user({ id: "a".repeat(65), name: "x" })),
    put("129-character name", user({ id: "a", name: "x".repeat(129) })),
    put("id with a space", user({ id: "a b", name: "x" })),
    put("id with a slash", user({ id: "a/b", name: "x" })),
    put("id is ..", user({ id: "..", name: "x" })),
    put("id with non-ASCII", user({ id: "\u00e9", name: "x" })),
    put("id with a right-to-left override", user({ id: "a\u202eb", name: "x" })),
    put("id with NUL", user({ id: "a\u0000b", name: "x" })),
    put("name with a newline", user({ id: "a", name: "x\ny" })),
    put("name with NUL", user({ id: "a", name: "x\u0000y" })),
    put("name with ESC", user({ id: "a", name: "x\u001b[31my" })),
    put("name with DEL", user({ id: "a", name: "x\u007fy" })),
    put("name with a right-to-left override (U+202E, format)", user({ id: "a", name: "abc\u202Efdp.exe" })),
    put("name with a zero-width space (U+200B, format)", user({ id: "a", name: "ad\u200Bmin" })),
    put("name with a byte-order mark (U+FEFF, format)", user({ id: "a", name: "\uFEFFx" })),
    put("name with a line separator (U+2028)", user({ id: "a", name: "x\u2028y" })),
    put("name with a paragraph separator (U+2029)", user({ id: "a", name: "x\u2029y" })),
    put("name with a next-line control (U+0085)", user({ id: "a", name: "x\u0085y" })),
    put("name with a lone high surrogate", user({ id: "a", name: "x\uD800y" })),
    put("name with a lone low surrogate", user({ id: "a", name: "x\uDC00" })),
    put("1 MB name", user({ id: "a", name: "x".repeat(1024 * 1024) })),
    put("deeply nested extra field", `{"id":"a","name":"x","deep":${"[".repeat(5000)}${"]".repeat(5000)}}`),
    put("payload over 10 MB", user({ id: "a", name: "x".repeat(10 * 1024 * 1024 + 1) }), {
      expectStatus: 413,
      expectBody: '{"message":"Request Too Long"}',
    }),
    put("text/plain body", user({ id: "a", name: "x" }), {
      headers: { "content-type": "text/plain" },
      expectStatus: 415,
      expectBody: '{"message":"Unsupported Media Type"}',
    }),
    put("application/xml body", "<user><id>a</id><name>x</name></user>", {
      headers: { "content-type": "application/xml" },
      expectStatus: 415,
      expectBody: '{"message":"Unsupported Media Type"}',
    }),
    // Ids in the path (400 from the function's own check; the gateway decodes path parameters).
    // fetch would resolve %2e%2e as a dot segment before sending; sent raw, it reaches the gateway as is.
    rawCase(
      "encoded .. as the id",
      "GET /v1/user/%2e%2e HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\nConnection: close\r\n\r\n",
    ),
    idCase("encoded traversal ../etc/passwd", "..%2Fetc%2Fpasswd"),
    idCase("encoded NUL", "a%00b"),
    idCase("encoded space", "a%20b"),
    idCase("encoded non-ASCII", "%C3%A9"),
    idCase("65-character id", "a".repeat(65)),
    idCase("encoded quote and brace", "%22%7D%2C%22admin%22%3Atrue"),
    // Names the client chooses are ordinary names: no 500, no prototype pollution.
    served("query key constructor", "?constructor=1"),
    served("query keys __proto__, toString and hasOwnProperty", "?__proto__=1&toString=2&hasOwnProperty=3"),
    served("repeated query key constructor", "?constructor=1&constructor=2"),
    served("headers named constructor, __proto__ and toString", "", {
      constructor: "1",
      ["__proto__"]: "2",
      toString: "3",
    }),
    rawCase(
      "2,000 distinct headers (merged in linear time)",
      `GET /v1/user/seed HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n${Array.from(
        { length: 2000 },
        (_, i) => `h${i.toString(36)}: 1\r\n`,
      ).join("")}Connection: close\r\n\r\n`,
      200,
    ),
    // Bursts: past the cap on body bytes in progress, or a function's queue, 429 like API Gateway.
    {
      name: "12 uploads of 9.9 MB at once (past the 64 MiB of request bodies in progress)",
      method: "RAW",
      path: "",
      raw: `PUT /v1/user HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\nContent-Type: application/json\r\nContent-Length: ${BIG_BODY.length}\r\nConnection: close\r\n\r\n`,
      rawBody: BIG_BODY,
      expectStatus: 429,
      parallel: { copies: 12, otherStatuses: [400] },
    },
    {
      ...served("300 requests at once (past a function's queue of waiting invocations)", ""),
      expectStatus: 429,
      expectBody: TOO_MANY_REQUESTS,
      parallel: { copies: 300, otherStatuses: [200] },
    },
    // DELETE takes the same id rules as GET: nothing is deleted (the seeded user survives).
    { ...idCase("DELETE with an encoded traversal to the seeded user", "..%2Fseed"), method: "DELETE" },
    { ...idCase("DELETE with a 65-character id", "a".repeat(65)), method: "DELETE" },
    // Routes that do not exist (403 Missing Authentication Token, before any authorizer).
    noRoute("extra path segment", "GET", "/user/a/b"),
    noRoute("a route no one would add", "PATCH", "/nonexistent-route"),
    noRoute("PUT on a user id", "PUT", "/user/a"),
    noRoute("POST /user", "POST", "/user"),
    noRoute("GET /user", "GET", "/user"),
    noRoute("unknown resource", "GET", "/admin"),
    // Raw HTTP: traversal kept literal, and header injection the HTTP parser refuses.
    rawCase(
      "literal ../ in the path",
      "GET /v1/user/../admin HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\nConnection: close\r\n\r\n",
      403,
    ),
    rawCase(
      "NUL in the Authorization header",
      "GET /v1/user/seed HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\u0000x\r\nConnection: close\r\n\r\n",
    ),
    rawCase(
      "bare CR in a header value",
      "GET /v1/user/seed HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\rX-Injected: 1\r\nConnection: close\r\n\r\n",
    ),
    rawCase(
      "space in a header name",
      "GET /v1/user/seed HTTP/1.1\r\nHost: {host}\r\nAuth orization: {token}\r\nConnection: close\r\n\r\n",
    ),
    rawCase(
      "obs-fold continuation of Authorization",
      "GET /v1/user/seed HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n X-Injected: 1\r\nConnection: close\r\n\r\n",
    ),
    rawCase(
      "Content-Length and Transfer-Encoding together (smuggling)",
      'PUT /v1/user HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n{"id":"smuggled","name":"x"}',
    ),
    rawCase(
      "20 KB of headers",
      `GET /v1/user/seed HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\nX-Padding: ${"p".repeat(20_000)}\r\nConnection: close\r\n\r\n`,
      431,
    ),
  ] satisfies BadInputCase[];
}
