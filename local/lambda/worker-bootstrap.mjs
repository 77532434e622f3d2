/**
 * The code a function's worker thread runs: a tiny Node.js Lambda runtime. It starts the function's
 * own DynamoDB gate when given one, imports the handler module once (the "init" phase, kept warm for
 * later invocations) and answers each invocation with the handler's result or a Lambda-style error
 * object (`errorType` = the error's name).
 *
 * Plain JavaScript, not TypeScript: the function code runs on bare Node.js, as on Lambda, without
 * the TypeScript loader the rest of the project runs under (loader hooks do not reach workers).
 * The messages are typed in worker-protocol.ts.
 */
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";

/** @type {import("./worker-protocol.ts").WorkerSetup} */
const setup = workerData;
const port = parentPort;
if (!port) throw new Error("worker-bootstrap.mjs runs only as a worker thread");

/**
 * What the function writes to stdout and stderr goes to the main thread as `output` messages on this
 * port, one per write, in order with the replies; the main thread cuts it into lines for the log. A
 * worker's own stdio streams would cost two messages per write (the text, and the main thread's call
 * for more, which wakes this thread again) and a stream on each side: about 0.3 ms on an invocation
 * that logs a line. The lines of the current invocation are also kept (the last few, shortened) and
 * sent with its reply, so that the local gateway's decision trace can show them (as
 * TestInvokeAuthorizer shows a log).
 */
const MAX_LOG_LINES = 20;
const MAX_LOG_LINE = 1000;
let captured = [];
for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk, encoding, callback) => {
    const text =
      typeof chunk === "string"
        ? typeof encoding === "string"
          ? Buffer.from(chunk, encoding).toString("utf8")
          : chunk
        : Buffer.from(chunk).toString("utf8");
    for (const line of text.split("\n")) {
      if (line === "") continue;
      captured.push(line.length > MAX_LOG_LINE ? `${line.slice(0, MAX_LOG_LINE)}…` : line);
      if (captured.length > MAX_LOG_LINES) captured.shift();
    }
    port.postMessage({ kind: "output", text });
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") process.nextTick(done);
    return true;
  };
}

/** Posts a reply with the lines written since the invocation began. */
function reply(message) {
  const logs = captured;
  captured = [];
  port.postMessage(logs.length > 0 ? { ...message, logs } : message);
}

// The gate's setup holds the run's database credentials: it leaves workerData, which the function's
// code could read, before that code loads.
const gateSetup = setup.gate;
delete setup.gate;

const handlerReady = loadHandler();
// An init failure is answered per invocation; keep it from counting as an unhandled rejection.
handlerReady.catch(() => undefined);

/**
 * The function's own DynamoDB gate, in this thread: its calls do not cross to the main thread and
 * back (see ../iam/function-gate.ts). Started before the handler module loads, so that an SDK client
 * made at module scope already finds it in `AWS_ENDPOINT_URL_DYNAMODB`.
 */
async function startGate() {
  const { startFunctionGate } = await import(pathToFileURL(gateSetup.modulePath).href);
  const gate = await startFunctionGate(gateSetup.setup, (line) => port.postMessage({ kind: "log", line }));
  process.env.AWS_ENDPOINT_URL_DYNAMODB = gate.endpoint;
}

async function loadHandler() {
  if (gateSetup) await startGate();
  const module = await import(pathToFileURL(setup.modulePath).href);
  let target = module;
  for (const part of setup.exportPath.split(".")) {
    // A CommonJS module imported from ESM exposes module.exports as `default`.
    target = target?.[part] ?? (target === module ? module.default?.[part] : undefined);
  }
  if (typeof target !== "function") {
    const error = new Error(`${setup.modulePath} does not export a function ${setup.exportPath}`);
    error.name = "Runtime.HandlerNotFound";
    throw error;
  }
  return target;
}

/** @param {import("./worker-protocol.ts").InvokeMessage} message */
function contextFor(message) {
  return {
    functionName: setup.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: setup.functionArn,
    memoryLimitInMB: String(setup.memoryLimitInMB),
    awsRequestId: message.awsRequestId,
    logGroupName: setup.logGroupName,
    logStreamName: `local/[$LATEST]${message.awsRequestId.replace(/-/g, "")}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
}

/** Calls the handler in either style: async (a promise) or callback. */
function run(handler, message) {
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    const returned = handler(message.event, contextFor(message), callback);
    if (returned && typeof returned.then === "function") {
      returned.then(resolve, reject);
    } else if (handler.length < 3) {
      // A synchronous handler without a callback parameter answers with its return value.
      resolve(returned);
    }
  });
}

/** @returns {import("./worker-protocol.ts").InvocationReply} */
function errorReply(id, error) {
  if (error instanceof Error) {
    return {
      id,
      kind: "error",
      errorType: error.name || "Error",
      errorMessage: error.message,
      trace: (error.stack ?? "").split("\n"),
    };
  }
  // Lambda's Node.js runtime reports a thrown non-Error by its type (`throw "x"` → errorType "string").
  return { id, kind: "error", errorType: typeof error, errorMessage: String(error) };
}

port.on("message", async (message) => {
  captured = [];
  let handler;
  try {
    handler = await handlerReady;
  } catch (error) {
    reply({ ...errorReply(message.id, error), initFailed: true });
    return;
  }
  let result;
  try {
    result = await run(handler, message);
  } catch (error) {
    reply(errorReply(message.id, error));
    return;
  }
  let json;
  try {
    json = JSON.stringify(result === undefined ? null : result);
  } catch (error) {
    reply({
      id: message.id,
      kind: "crash",
      message: `result is not JSON-serialisable: ${error.message}`,
    });
    return;
  }
  reply({ id: message.id, kind: "result", json });
});
