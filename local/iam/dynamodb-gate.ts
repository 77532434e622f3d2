/**
 * The local DynamoDB gate: the only door to the local run's DynamoDB, an HTTP proxy on 127.0.0.1.
 *
 * - It answers only its callers: a request with an `Origin` header (a web page), an `OPTIONS`
 *   preflight, a `Host` other than its own loopback address and port (DNS rebinding) or anything but
 *   a POST is refused with 403, before any signature is read.
 * - Every call must be signed (SigV4) with one of this run's keys (gate-principals.ts): unsigned,
 *   unknown-key and bad-signature calls get DynamoDB's own 400 errors.
 * - A function's call is decided by the project's IAM evaluator against that function's role, for each
 *   action and table/index ARN the call needs (dynamodb-request.ts); a denied call gets DynamoDB's
 *   real AccessDeniedException. The admin key is not restricted.
 * - An allowed call goes on to the DynamoDB behind it with the credentials of the run's database and
 *   a proof of them that the dynalite fallback's guard checks (../dynamodb/dynalite-guard.ts).
 *
 * It runs as the run's gate ({@link startDynamoDBGate}: the admin key, the token CLI, the tests) and,
 * the same server, inside each function's worker thread for that function alone (function-gate.ts),
 * which is the one the functions call.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { Duplex } from "node:stream";
import type { LocalDynamoDBCredentials } from "../../lib/aws/local-dynamodb.js";
import { type ResolvedStack, resourcesOfType } from "../cloudformation/resolved-stack.js";
import { closeServer, listen } from "../listen.js";
import { type DynamoDBCallScope, dynamodbChecks, type TableKeys } from "./dynamodb-request.js";
import {
  callerRefusal,
  dynamodbError,
  GATE_PROOF_HEADER,
  gateProof,
  readDynamoDBBody,
  refuseCaller,
  refuseOversizedBody,
  SIGNATURE_ERRORS,
} from "./dynamodb-wire.js";
import {
  createGatePrincipals,
  type FunctionPrincipal,
  type GateKeys,
  type GatePrincipals,
} from "./gate-principals.js";
import { createRoleDecisionMemo, type RoleDecisionMemo } from "./role-policies.js";
import { verifySigV4 } from "./sigv4.js";

/** How to start the gate. */
export interface DynamoDBGateOptions {
  stack: ResolvedStack;
  /** The DynamoDB behind the gate, and the credentials that open the run's database in it. */
  upstream: { endpoint: string; credentials: LocalDynamoDBCredentials };
  /** 0 = ephemeral. */
  port: number;
  /** Denied calls and start-up notes. Default: dropped. */
  log?: (line: string) => void;
}

/** A running gate. */
export interface DynamoDBGate {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** The run's keys: the admin's, and each function's by logical id (of the stack in use). */
  readonly principals: GatePrincipals;
  /**
   * The keys for another version of the template (a reload), keeping the admin's and each remaining
   * function's; throws, before anything changes, for a role it cannot know. {@link use} switches to them.
   */
  principalsFor(stack: ResolvedStack): GatePrincipals;
  /** Decides calls by `stack`'s roles and tables with `principals` from then on. */
  use(stack: ResolvedStack, principals: GatePrincipals): void;
  stop(): Promise<void>;
}

const TARGET_PREFIX = "DynamoDB_20120810.";

/**
 * Starts the gate on 127.0.0.1. A taken port rejects with an error naming `DYNAMODB_PORT`; a role
 * with an AWS-managed policy the local run does not know, with one naming the policy.
 *
 * @example
 * ```ts
 * import type { ResolvedStack } from "../cloudformation/resolved-stack.js";
 *
 * declare const stack: ResolvedStack;
 * declare const upstream: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
 * const gate = await startDynamoDBGate({ stack, upstream, port: 8000 });
 * const env = { AWS_ENDPOINT_URL_DYNAMODB: gate.endpoint, ...gate.principals.credentialsFor("UserFunction") };
 * await gate.stop();
 * ```
 */
export async function startDynamoDBGate(options: DynamoDBGateOptions): Promise<DynamoDBGate> {
  const { stack, log = () => undefined } = options;
  let principals = createGatePrincipals(stack, log);
  let rules = gateRules(stack, principals);
  const server = await serveDynamoDBGate({
    upstream: gateUpstream(options.upstream),
    port: options.port,
    log,
    rules: () => rules,
  });
  return {
    ...server,
    get principals() {
      return principals;
    },
    principalsFor: (next) => createGatePrincipals(next, log, principals),
    use(next, nextPrincipals) {
      principals = nextPrincipals;
      rules = gateRules(next, nextPrincipals);
    },
  };
}

/** What a gate decides calls by: the keys it accepts and the stack's tables, replaced whole on a reload. */
export interface GateRules {
  keys: GateKeys;
  scope: DynamoDBCallScope;
  /** Every call is checked; a decision already made for the same role and request is not re-evaluated. */
  decide: RoleDecisionMemo;
}

/** The rules of a gate accepting `keys` for `stack`'s roles and tables. */
export function gateRules(stack: ResolvedStack, keys: GateKeys): GateRules {
  return { keys, scope: callScope(stack), decide: createRoleDecisionMemo() };
}

/**
 * What a gate forwards allowed calls with: the DynamoDB's endpoint, the access key id that opens the
 * run's database, and the proof of the run's credentials the dynalite fallback checks. Not the
 * secret key: a function's gate runs in the function's own thread, and needs no more than this.
 */
export interface GateUpstream {
  endpoint: string;
  accessKeyId: string;
  proof: string;
}

/** The {@link GateUpstream} of the DynamoDB at `endpoint` opened by `credentials`. */
export function gateUpstream(upstream: DynamoDBGateOptions["upstream"]): GateUpstream {
  return {
    endpoint: upstream.endpoint,
    accessKeyId: upstream.credentials.accessKeyId,
    proof: gateProof(upstream.credentials),
  };
}

/**
 * The gate's server: every check of this module's description, by the `rules` of the moment. Used by
 * {@link startDynamoDBGate} (the run's gate) and by each function's own gate in its worker thread
 * (function-gate.ts).
 */
export async function serveDynamoDBGate(options: {
  upstream: GateUpstream;
  port: number;
  log: (line: string) => void;
  rules: () => GateRules;
}): Promise<{
  endpoint: string;
  port: number;
  /** Serves a connection that did not come through the port (in-memory-connection.ts). */
  accept(socket: Duplex): void;
  stop(): Promise<void>;
}> {
  const { log, rules } = options;
  const { upstream } = options;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const upstreamUrl = new URL(upstream.endpoint);
  let ownHosts: string[] = [];

  const server = createServer((request, response) => {
    const refusal = callerRefusal(request, ownHosts, "the local DynamoDB gate");
    if (refusal !== undefined) return refuseCaller(request, response, refusal);
    readDynamoDBBody(request).then(
      (body) => (body === undefined ? refuseOversizedBody(response) : handle(request, response, body)),
      () => response.destroy(),
    );
  });

  const handle = (request: IncomingMessage, response: ServerResponse, body: Buffer) => {
    const { keys, scope, decide } = rules();
    const url = request.url ?? "/";
    const check = verifySigV4(
      { method: request.method ?? "POST", url, headers: request.headers, body },
      (key) => keys.byAccessKeyId(key)?.secret,
    );
    if (!check.ok) {
      const { type, message } = SIGNATURE_ERRORS[check.problem];
      log(`dynamodb gate: refused a call (${check.detail})`);
      return dynamodbError(response, type, { message });
    }
    const caller = keys.byAccessKeyId(check.accessKeyId)?.principal;
    if (caller?.kind === "function") {
      const target = String(request.headers["x-amz-target"] ?? "");
      const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch {
        parsed = undefined;
      }
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        return dynamodbError(response, "com.amazon.coral.service#SerializationException", {
          message: "the request body is not a JSON object",
        });
      }
      const denial = deniedCall(caller, operation, parsed as Record<string, unknown>, scope, decide);
      if (denial !== undefined) {
        log(`dynamodb gate: ${caller.logicalId} denied: ${denial.why}`);
        return dynamodbError(response, "com.amazon.coral.service#AccessDeniedException", {
          Message: denial.message,
        });
      }
    }
    forward(
      request,
      response,
      body,
      { url: upstreamUrl, accessKeyId: upstream.accessKeyId, proof: upstream.proof },
      agent,
    );
  };

  let port: number;
  try {
    port = await listen(server, "127.0.0.1", options.port, {
      service: "the local DynamoDB gate",
      envVariable: "DYNAMODB_PORT",
    });
  } catch (error) {
    agent.destroy();
    throw error;
  }
  ownHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    accept: (socket) => server.emit("connection", socket),
    stop: async () => {
      await closeServer(server);
      agent.destroy();
    },
  };
}

/** The first check of the call the function's role does not allow, as AWS words it. */
function deniedCall(
  caller: FunctionPrincipal,
  operation: string,
  body: Record<string, unknown>,
  scope: DynamoDBCallScope,
  decide: RoleDecisionMemo,
): { message: string; why: string } | undefined {
  for (const check of dynamodbChecks(operation, body, scope)) {
    const prefix = `User: ${caller.sessionArn} is not authorized to perform: ${check.action} on resource: ${check.resource}`;
    if (typeof caller.role === "string") {
      return {
        message: `${prefix} because no identity-based policy allows the ${check.action} action`,
        why: `${check.action} on ${check.resource}: ${caller.role}`,
      };
    }
    const decision = decide(caller.role, check);
    if (decision.decision === "Allow") continue;
    const explicit = decision.decision === "ExplicitDeny";
    return {
      message: explicit
        ? `${prefix} with an explicit deny in an identity-based policy`
        : `${prefix} because no identity-based policy allows the ${check.action} action`,
      why: `${check.action} on ${check.resource}: ${
        explicit
          ? `denied by ${decision.statement?.label}`
          : `no statement of role ${caller.role.logicalId} allows it`
      }`,
    };
  }
  return undefined;
}

/** Sends the call on with the run's database credentials in place of the caller's key. */
function forward(
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer,
  upstream: { url: URL; accessKeyId: string; proof: string },
  agent: Agent,
): void {
  const target = upstream.url;
  const headers = { ...request.headers, host: target.host, [GATE_PROOF_HEADER]: upstream.proof };
  // DynamoDB Local keeps a database per access key id and checks no signature: the key is all it reads.
  headers.authorization = String(headers.authorization).replace(
    /Credential=[^/]+\//,
    `Credential=${upstream.accessKeyId}/`,
  );
  const outgoing = httpRequest(
    { host: target.hostname, port: target.port, path: request.url, method: request.method, headers, agent },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  outgoing.on("error", () => response.destroy());
  outgoing.end(body);
}

function callScope(stack: ResolvedStack): DynamoDBCallScope {
  return { region: stack.region, accountId: stack.accountId, tables: tableKeys(stack) };
}

/** The partition key of each table of the stack, by table name (for `dynamodb:LeadingKeys`). */
function tableKeys(stack: ResolvedStack): Map<string, TableKeys> {
  const keys = new Map<string, TableKeys>();
  for (const [, table] of resourcesOfType(stack, "AWS::DynamoDB::Table")) {
    const schema = (table.properties.KeySchema ?? []) as { AttributeName?: string; KeyType?: string }[];
    const hash = schema.find((key) => key.KeyType === "HASH")?.AttributeName;
    if (hash !== undefined) keys.set(table.physicalId, { partitionKey: hash });
  }
  return keys;
}
