/**
 * The local admin server of `make start`: the inspector page and its JSON API (recent requests with
 * their decision traces, the authorizer cache and its flush), on its own port, never the API's.
 *
 * It only ever listens on 127.0.0.1 and trusts nothing else a browser could send it: a Host other
 * than 127.0.0.1/localhost with its port is refused (DNS rebinding), so is a foreign Origin (another
 * site's page posting a flush), and every `/api/*` call needs `Authorization: Bearer <secret>`,
 * a random secret per run published only in `.local/state.json` (mode 0600) and in the URL fragment
 * of the ready line (fragments are never sent to a server nor in a Referer). No CORS headers, ever.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type {
  AuthorizerCacheEntry,
  AuthorizerCacheFlushed,
  AuthorizerCacheListing,
  RequestListing,
  RequestRecord,
} from "../../lib/local-admin-client.js";
import { closeServer, listen } from "../listen.js";

/** What the admin server shows and does; read on every call, so the API behind it may be reloaded. */
export interface AdminSources {
  /** Recent requests, newest first. */
  requests(): RequestRecord[];
  authorizerCache(): AuthorizerCacheEntry[];
  /** Flushes the authorizer cache; returns how many entries it held. */
  flushAuthorizerCache(): number;
}

/** A running admin server. */
export interface AdminServer {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** The bearer secret of `/api/*`. */
  secret: string;
  /** The inspector page with the secret in its fragment: `http://127.0.0.1:PORT/#key=…`. */
  pageUrl: string;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";

/** The page's static files: the HTML, its script and its style (no inline code, so a strict CSP holds). */
const PAGE_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "inspector.html", type: "text/html; charset=utf-8" },
  "/inspector.js": { file: "inspector.js", type: "text/javascript; charset=utf-8" },
  "/inspector.css": { file: "inspector.css", type: "text/css; charset=utf-8" },
};

const SECURITY_HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/**
 * Starts the admin server on 127.0.0.1:`port` (0 = ephemeral); a taken port fails with
 * an error naming INSPECTOR_PORT.
 */
export async function startAdminServer(options: {
  port: number;
  sources: AdminSources;
}): Promise<AdminServer> {
  const secret = randomBytes(32).toString("base64url");
  const page = Object.fromEntries(
    Object.entries(PAGE_FILES).map(([path, { file, type }]) => [
      path,
      { type, body: readFileSync(new URL(`./page/${file}`, import.meta.url)) },
    ]),
  );
  let port = 0;
  const server = createServer((req, res) => {
    try {
      serve(req, res, { port: () => port, secret, sources: options.sources, page });
    } catch (error) {
      answer(res, 500, { message: `admin server error: ${(error as Error).message}` });
    }
  });
  port = await listen(server, HOST, options.port, {
    service: "the local inspector",
    envVariable: "INSPECTOR_PORT",
  });
  const url = `http://${HOST}:${port}/`;
  return { url, secret, pageUrl: `${url}#key=${secret}`, stop: () => closeServer(server) };
}

interface ServeContext {
  port: () => number;
  secret: string;
  sources: AdminSources;
  page: Record<string, { type: string; body: Buffer }>;
}

/** A JSON answer, or one of the page's files. */
type Reply = { status: number; json: unknown } | { status: 200; file: { type: string; body: Buffer } };

function serve(req: IncomingMessage, res: ServerResponse, context: ServeContext): void {
  const reply = route(req, context);
  if ("file" in reply) {
    res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": reply.file.type });
    res.end(req.method === "HEAD" ? undefined : reply.file.body);
  } else {
    answer(res, reply.status, reply.json);
  }
}

function route(req: IncomingMessage, context: ServeContext): Reply {
  const port = context.port();
  const allowedHosts = [`${HOST}:${port}`, `localhost:${port}`];
  if (!allowedHosts.includes(req.headers.host ?? "")) {
    return { status: 421, json: { message: `Host must be one of ${allowedHosts.join(", ")}` } };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.some((host) => origin === `http://${host}`)) {
    return { status: 403, json: { message: "cross-origin requests are refused" } };
  }
  const path = (req.url ?? "/").split("?")[0] as string;
  if (!path.startsWith("/api/")) {
    const file = context.page[path];
    if (!file) return { status: 404, json: { message: "not found" } };
    if (req.method !== "GET" && req.method !== "HEAD") return { status: 405, json: { message: "use GET" } };
    return { status: 200, file };
  }
  if (!hasSecret(req.headers.authorization, context.secret)) {
    return {
      status: 401,
      json: { message: "Authorization: Bearer <secret from .local/state.json> required" },
    };
  }
  const call = `${req.method} ${path}`;
  switch (call) {
    case "GET /api/requests":
      return { status: 200, json: { requests: context.sources.requests() } satisfies RequestListing };
    case "GET /api/authorizer-cache":
      return {
        status: 200,
        json: { entries: context.sources.authorizerCache() } satisfies AuthorizerCacheListing,
      };
    case "POST /api/authorizer-cache/flush":
      // The body is not read: the call carries no input.
      req.resume();
      return {
        status: 200,
        json: { flushed: context.sources.flushAuthorizerCache() } satisfies AuthorizerCacheFlushed,
      };
    default:
      return { status: 404, json: { message: `no such admin call: ${call}` } };
  }
}

/** Constant-time check of `Bearer <secret>`. */
function hasSecret(header: string | undefined, secret: string): boolean {
  const expected = Buffer.from(`Bearer ${secret}`);
  const actual = Buffer.from(header ?? "");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}
