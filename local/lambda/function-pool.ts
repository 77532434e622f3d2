/**
 * The execution environments of one Lambda function: worker threads kept warm between invocations,
 * each running one invocation at a time, as many as the concurrency limit allows.
 *
 * Like Lambda, an environment that timed out, crashed or failed its init phase is thrown away and
 * the next invocation gets a fresh one; the others keep serving. So is one whose caller stopped
 * waiting (the gateway's 504): a worker cannot be interrupted mid-handler, so it is recycled rather
 * than left running for nobody. Invocations beyond `maxQueued` waiting are refused (`throttled`).
 */
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { Worker } from "node:worker_threads";
import type { LambdaOutcome } from "../gateway/types.js";
import type { FunctionConfig } from "./function-config.js";
import type {
  InvocationReply,
  InvokeMessage,
  LogMessage,
  OutputMessage,
  WorkerSetup,
} from "./worker-protocol.js";

const BOOTSTRAP = new URL("./worker-bootstrap.mjs", import.meta.url);

/** How a pool is set up. */
export interface FunctionPoolOptions {
  config: FunctionConfig;
  /** The container environment (template variables and the runtime's AWS_* variables). */
  env: Record<string, string>;
  /** Most environments running at once (Lambda's concurrency); invocations beyond wait in line. */
  maxWorkers: number;
  /** Most invocations waiting for an environment; more are answered `throttled`. */
  maxQueued: number;
  /** Receives each line the function writes to stdout/stderr, and its gate's lines. */
  log: (line: string) => void;
  /** The function's own DynamoDB gate, which each of its workers starts (see WorkerSetup.gate). */
  gate?: WorkerSetup["gate"];
}

interface Environment {
  worker: Worker;
  /** The pool's code generation when it started: an environment of an older one is not reused. */
  generation: number;
  /** Output after its last line break, until the rest of that line comes (or the worker ends). */
  partialLine: string;
  pending?: {
    id: number;
    timer: NodeJS.Timeout;
    resolve: (outcome: LambdaOutcome) => void;
    signal: AbortSignal | undefined;
    onAbort: () => void;
  };
}

interface Waiting {
  event: unknown;
  resolve: (outcome: LambdaOutcome) => void;
  signal: AbortSignal | undefined;
}

/** A line break in a function's output, except a \r at the end (it may be half of a \r\n). */
const LINE_BREAK = /\r?\n|\r(?!\n|$)/;

/** What an invocation whose caller stopped waiting answers (nobody reads it). */
const ABANDONED: LambdaOutcome = { kind: "crash", message: "stopped: the caller stopped waiting" };

/**
 * The warm workers of one function.
 */
export class FunctionPool {
  /** How many invocations were started, for tests and benchmarks. */
  invocations = 0;
  private readonly idle: Environment[] = [];
  private readonly busy = new Set<Environment>();
  private readonly waiting: Waiting[] = [];
  private nextId = 1;
  private closed = false;
  private generation = 0;

  constructor(private readonly options: FunctionPoolOptions) {}

  /**
   * Runs one invocation; never rejects (every failure is an outcome). Aborting `signal` takes a
   * waiting invocation out of the line, or stops a running one and recycles its worker.
   */
  invoke(event: unknown, signal?: AbortSignal): Promise<LambdaOutcome> {
    if (this.closed) return Promise.resolve({ kind: "crash", message: "the Lambda runtime is stopped" });
    if (signal?.aborted) return Promise.resolve(ABANDONED);
    const canStartNow = this.idle.length > 0 || this.busy.size < this.options.maxWorkers;
    if (!canStartNow && this.waiting.length >= this.options.maxQueued) {
      this.options.log(
        `${this.options.config.logicalId} throttled: ${this.waiting.length} invocations already waiting (the local limit)`,
      );
      return Promise.resolve({ kind: "throttled" });
    }
    this.invocations++;
    return new Promise((resolve) => {
      const waiting: Waiting = { event, resolve, signal };
      this.waiting.push(waiting);
      signal?.addEventListener("abort", () => this.abandonWaiting(waiting), { once: true });
      this.dispatch();
    });
  }

  private abandonWaiting(waiting: Waiting): void {
    const index = this.waiting.indexOf(waiting);
    if (index < 0) return;
    this.waiting.splice(index, 1);
    waiting.resolve(ABANDONED);
  }

  /**
   * New code (watch mode rebuilt the bundle): idle environments stop now, running ones when their
   * invocation ends, so every later invocation loads the code afresh in a new worker.
   */
  recycle(): void {
    this.generation++;
    for (const environment of this.idle.splice(0)) void this.discard(environment);
  }

  /** Stops every worker; invocations still running answer crash. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.waiting.splice(0)) {
      waiting.resolve({ kind: "crash", message: "the Lambda runtime is stopped" });
    }
    const all = [...this.idle.splice(0), ...this.busy];
    await Promise.all(all.map((environment) => this.discard(environment)));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      // The most recently used environment first: the warmest, as Lambda tends to pick.
      const environment =
        this.idle.pop() ?? (this.busy.size < this.options.maxWorkers ? this.spawn() : undefined);
      if (!environment) return;
      this.start(environment, this.waiting.shift() as Waiting);
    }
  }

  private start(environment: Environment, { event, resolve, signal }: Waiting): void {
    const { timeoutMs, logicalId } = this.options.config;
    const id = this.nextId++;
    this.busy.add(environment);
    const timer = setTimeout(() => this.finish(environment, { kind: "timeout" }, true), timeoutMs);
    const onAbort = () => {
      if (environment.pending?.id !== id) return;
      this.options.log(`${logicalId} invocation stopped: its caller stopped waiting (worker recycled)`);
      this.finish(environment, ABANDONED, true);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    environment.pending = { id, timer, resolve, signal, onAbort };
    const message: InvokeMessage = {
      id,
      event,
      deadline: Date.now() + timeoutMs,
      awsRequestId: randomUUID(),
    };
    try {
      environment.worker.postMessage(message);
    } catch (error) {
      // An event that cannot be cloned (a function, a symbol) never reaches the handler.
      this.finish(
        environment,
        { kind: "crash", message: `event cannot be sent: ${(error as Error).message}` },
        false,
      );
    }
  }

  private spawn(): Environment {
    const { config, env, log } = this.options;
    const workerData: WorkerSetup = {
      modulePath: config.modulePath,
      exportPath: config.exportPath,
      functionName: config.functionName,
      functionArn: config.functionArn,
      memoryLimitInMB: config.memoryMb,
      logGroupName: config.logGroupName,
      ...(this.options.gate ? { gate: this.options.gate } : {}),
    };
    const worker = new Worker(BOOTSTRAP, {
      workerData,
      env,
      // Bare Node.js, without the TypeScript loader of this process, as on Lambda.
      execArgv: [],
      // MemorySize caps the heap: a function that outgrows it dies (crash) as it would on Lambda.
      resourceLimits: { maxOldGenerationSizeMb: config.memoryMb },
      // The bootstrap sends what the function writes as `output` messages (onOutput); anything that
      // still reaches the worker's own streams (a write around its wrapper) is logged from them.
      stdout: true,
      stderr: true,
    });
    const environment: Environment = { worker, generation: this.generation, partialLine: "" };
    for (const stream of [worker.stdout, worker.stderr] as Readable[]) {
      createInterface({ input: stream }).on("line", (line) => log(`${config.logicalId} ${line}`));
    }
    worker.on("message", (message: InvocationReply | OutputMessage | LogMessage) => {
      if (message.kind === "output") this.onOutput(environment, message.text);
      else if (message.kind === "log") log(message.line);
      else this.onReply(environment, message);
    });
    worker.on("error", (error) => {
      this.finish(environment, { kind: "crash", message: `${error.name}: ${error.message}` }, true);
    });
    worker.on("exit", (code) => {
      this.flushOutput(environment);
      this.finish(
        environment,
        { kind: "crash", message: `the function's process exited with code ${code}` },
        true,
      );
    });
    return environment;
  }

  /** Logs each complete line of the function's output (line breaks as readline's: \n, \r\n, \r). */
  private onOutput(environment: Environment, text: string): void {
    const lines = (environment.partialLine + text).split(LINE_BREAK);
    // A trailing \r may be the first half of \r\n: it stays with the partial line until more comes.
    environment.partialLine = lines.pop() ?? "";
    for (const line of lines) this.options.log(`${this.options.config.logicalId} ${line}`);
  }

  private flushOutput(environment: Environment): void {
    const rest = environment.partialLine.replace(/\r$/, "");
    environment.partialLine = "";
    if (rest !== "") this.options.log(`${this.options.config.logicalId} ${rest}`);
  }

  private onReply(environment: Environment, reply: InvocationReply): void {
    if (environment.pending?.id !== reply.id) return;
    const logs = reply.logs ? { logs: reply.logs } : {};
    switch (reply.kind) {
      case "result":
        this.finish(environment, { kind: "result", payload: JSON.parse(reply.json), ...logs }, false);
        return;
      case "error": {
        const { errorType, errorMessage, trace } = reply;
        const outcome: LambdaOutcome = {
          kind: "error",
          errorType,
          errorMessage,
          ...(trace ? { trace } : {}),
          ...(reply.initFailed ? { initFailed: true } : {}),
          ...logs,
        };
        this.finish(environment, outcome, reply.initFailed === true);
        return;
      }
      case "crash":
        this.finish(environment, { kind: "crash", message: reply.message, ...logs }, true);
        return;
    }
  }

  private finish(environment: Environment, outcome: LambdaOutcome, discard: boolean): void {
    const pending = environment.pending;
    environment.pending = undefined;
    this.busy.delete(environment);
    if (pending) {
      clearTimeout(pending.timer);
      pending.signal?.removeEventListener("abort", pending.onAbort);
      pending.resolve(outcome);
    }
    if (discard || environment.generation !== this.generation) {
      const index = this.idle.indexOf(environment);
      if (index >= 0) this.idle.splice(index, 1);
      void this.discard(environment);
    } else if (!this.closed) {
      this.idle.push(environment);
    }
    if (!this.closed) this.dispatch();
  }

  private async discard(environment: Environment): Promise<void> {
    environment.worker.removeAllListeners("exit");
    this.flushOutput(environment);
    const pending = environment.pending;
    environment.pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.resolve({ kind: "crash", message: "the Lambda runtime is stopped" });
    }
    this.busy.delete(environment);
    await environment.worker.terminate();
  }
}
