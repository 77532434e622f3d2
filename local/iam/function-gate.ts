/**
 * A function's own door to DynamoDB: the gate of dynamodb-gate.ts, started inside the function's
 * worker thread before its handler module loads, accepting that function's key alone and deciding
 * by its role. The function's calls then never cross to another thread: on a busy machine that
 * crossing (worker → main thread gate → worker) cost about 0.9 ms per call, more than the call itself.
 *
 * The worker runs plain JavaScript (loader hooks do not reach workers), so this module is bundled
 * once per run (function-gate-bundle.ts) and imported by ../lambda/worker-bootstrap.mjs.
 */
import type { LocalDynamoDBCredentials } from "../../lib/aws/local-dynamodb.js";
import type { ResolvedStack } from "../cloudformation/resolved-stack.js";
import { type GateUpstream, gateRules, serveDynamoDBGate } from "./dynamodb-gate.js";
import { functionGateKeys } from "./gate-principals.js";
import { routeConnectionsInMemory } from "./in-memory-connection.js";

/** What a function's gate is started with (sent to its worker, so plain data). */
export interface FunctionGateSetup {
  /** The stack of the API version the worker belongs to: its roles and tables. */
  stack: ResolvedStack;
  logicalId: string;
  /** The function's key (its `AWS_ACCESS_KEY_ID`): the only one this gate accepts. */
  credentials: LocalDynamoDBCredentials;
  /** The DynamoDB behind the gate and what opens the run's database in it (never its secret key). */
  upstream: GateUpstream;
}

/** A running function gate. */
export interface FunctionGate {
  /** `http://127.0.0.1:<port>`: the function's `AWS_ENDPOINT_URL_DYNAMODB`. */
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts the function's gate on an ephemeral 127.0.0.1 port; `log` receives its denied-call lines.
 *
 * @example
 * ```ts
 * declare const setup: FunctionGateSetup;
 * const gate = await startFunctionGate(setup, console.log);
 * process.env.AWS_ENDPOINT_URL_DYNAMODB = gate.endpoint;
 * ```
 */
export async function startFunctionGate(
  setup: FunctionGateSetup,
  log: (line: string) => void,
): Promise<FunctionGate> {
  const rules = gateRules(setup.stack, functionGateKeys(setup.stack, setup.logicalId, setup.credentials));
  const { endpoint, port, accept, stop } = await serveDynamoDBGate({
    upstream: setup.upstream,
    port: 0,
    log,
    rules: () => rules,
  });
  const restoreTcp = routeConnectionsInMemory(port, accept);
  return {
    endpoint,
    stop: async () => {
      restoreTcp();
      await stop();
    },
  };
}
