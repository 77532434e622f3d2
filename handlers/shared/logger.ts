/**
 * Structured JSON logging for the handlers: one line per event, CloudWatch Logs Insights-friendly.
 *
 * Never pass a token here; pass `digestPrefix(digestToken(token))` instead.
 */

/** Log levels in increasing severity. */
export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";

const SEVERITY: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

/** Fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/** A logger bound to a service name and a minimum level. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/**
 * Creates a logger writing JSON lines to stdout (`write` may be replaced, for tests).
 * The minimum level comes from `LOG_LEVEL` unless given; unknown values mean INFO.
 *
 * @example
 * ```ts
 * import { digestPrefix, digestToken } from "./token.js";
 *
 * const logger = createLogger("authorizer");
 * logger.info("allowed", { principalId: "alice", token: digestPrefix(digestToken("abc123")) });
 * // {"level":"INFO","service":"authorizer","message":"allowed","principalId":"alice","token":"ba7816bf8f01","time":"..."}
 * ```
 */
export function createLogger(
  service: string,
  options: { level?: string | undefined; write?: (line: string) => void } = {},
): Logger {
  const requested = (options.level ?? process.env.LOG_LEVEL ?? "INFO").toUpperCase();
  const minimum = SEVERITY[requested as LogLevel] ?? SEVERITY.INFO;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      if (SEVERITY[level] < minimum) return;
      write(
        JSON.stringify({ level, service, message, ...fields, time: new Date().toISOString() }, errorReplacer),
      );
    };
  return { debug: log("DEBUG"), info: log("INFO"), warn: log("WARN"), error: log("ERROR") };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
