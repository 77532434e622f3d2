/**
 * The messages between the Lambda runtime (main thread) and a function's worker thread, which plays
 * the part of one warm Lambda execution environment.
 */

/** What the worker needs to load the handler, passed once as `workerData`. */
export interface WorkerSetup {
  /** Absolute path of the handler module (`.../index.mjs`). */
  modulePath: string;
  /** The export to call, possibly nested (`handler`, `handlers.get`). */
  exportPath: string;
  functionName: string;
  functionArn: string;
  memoryLimitInMB: number;
  logGroupName: string;
  /**
   * The function's own DynamoDB gate, started in the worker before the handler loads; its endpoint
   * becomes the function's `AWS_ENDPOINT_URL_DYNAMODB`. The module exports
   * `startFunctionGate(setup, log) → Promise<{ endpoint }>` (../iam/function-gate.ts, bundled);
   * `log` lines reach the run's log as {@link LogMessage}s.
   */
  gate?: { modulePath: string; setup: unknown };
}

/** main → worker: run one invocation. */
export interface InvokeMessage {
  id: number;
  event: unknown;
  /** Epoch milliseconds at which the runtime will stop the invocation (for getRemainingTimeInMillis). */
  deadline: number;
  awsRequestId: string;
}

/** worker → main: how one invocation ended, with the last lines it wrote (`logs`, when any). */
export type InvocationReply = (
  | { id: number; kind: "result"; json: string }
  | {
      id: number;
      kind: "error";
      errorType: string;
      errorMessage: string;
      trace?: string[];
      /** The init phase failed: Lambda starts a fresh environment for the next invocation. */
      initFailed?: boolean;
    }
  | { id: number; kind: "crash"; message: string }
) & { logs?: string[] };

/** worker → main: a line of the local run itself (the function's gate), logged as it is. */
export interface LogMessage {
  kind: "log";
  line: string;
}

/** worker → main: text the function wrote to stdout or stderr (any part of a line, or several lines). */
export interface OutputMessage {
  kind: "output";
  text: string;
}
