/**
 * Writing a token change and its audit records together, so that neither happens without the other.
 *
 * With transactions (AWS, DynamoDB Local) every write of the change and every audit record go in
 * one TransactWriteItems: all or nothing, and a failed condition (a token changed meanwhile) leaves
 * the table as it was. A backend without transactions (dynalite) gets the audit records first, then
 * the change, one call at a time; the first such write warns once that local writes are not atomic.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import type { AuditContext, AuditRecord } from "./token-audit.js";

/** One write of a token change, as TransactWriteItems spells it (document-client values). */
export type TokenWrite = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** Where and how a token change is written. */
export interface TokenWriteTarget {
  client: DynamoDBDocumentClient;
  /** The token table, for messages. */
  tableName: string;
  /** The audit table and actor; absent only where a caller has no audit table (tests, benchmarks). */
  audit?: AuditContext;
  /** Whether the backend has TransactWriteItems. Default true (every AWS table has it). */
  supportsTransactions?: boolean;
  /** Where the one-time "not atomic" warning goes. Default stderr. */
  warn?: (line: string) => void;
}

/** DynamoDB's limit on the actions of one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

/** The warning sinks that have had the "not atomic" warning (once each: once per process for stderr). */
const warned = new WeakSet<(line: string) => void>();
const writeStderr = (line: string) => {
  process.stderr.write(line);
};

/**
 * Writes `writes` and `audits` (each audit record a Put into the audit table) as one unit.
 * Throws an error saying nothing was written when a condition fails, one naming the tables for
 * any other DynamoDB failure.
 *
 * @example
 * ```ts
 * import type { TokenRecord } from "../../handlers/shared/token-record.js";
 * import { auditRecordFor } from "./token-audit.js";
 *
 * declare const target: TokenWriteTarget & { audit: NonNullable<TokenWriteTarget["audit"]> };
 * declare const record: TokenRecord;
 * await writeTokenChange(
 *   target,
 *   [{ Delete: { TableName: target.tableName, Key: { tokenDigest: record.tokenDigest } } }],
 *   [auditRecordFor("revoke", record, target.audit, Date.now())],
 * );
 * ```
 */
export async function writeTokenChange(
  target: TokenWriteTarget,
  writes: readonly TokenWrite[],
  audits: readonly AuditRecord[],
): Promise<void> {
  const { client, audit } = target;
  const auditWrites: TokenWrite[] = audit
    ? audits.map((record) => ({
        Put: {
          TableName: audit.tableName,
          Item: record,
          // Two changes of one token in the same millisecond would share an id: never overwrite one.
          ConditionExpression: "attribute_not_exists(auditId)",
        },
      }))
    : [];
  const all = [...auditWrites, ...writes];
  if (all.length > MAX_TRANSACTION_ITEMS) {
    throw new ApigwTokenAuthError(`a change of ${writes.length} tokens is too large for one transaction`, {
      expected: `at most ${MAX_TRANSACTION_ITEMS} writes with their audit records`,
      actual: `${all.length} writes`,
    });
  }
  if ((target.supportsTransactions ?? true) && all.length > 1) {
    await send(target, () => client.send(new TransactWriteCommand({ TransactItems: all })));
    return;
  }
  const warn = target.warn ?? writeStderr;
  if (audit && all.length > 1 && !warned.has(warn)) {
    warned.add(warn);
    warn(
      "warning: this DynamoDB has no transactions (dynalite): audit records are written first, then the " +
        "token change, one call at a time, so a failure in between leaves an audit record without its change\n",
    );
  }
  for (const write of all) await send(target, () => sendOne(client, write));
}

/** One write as its own call (the same input TransactWriteItems takes for it). */
async function sendOne(client: DynamoDBDocumentClient, write: TokenWrite): Promise<unknown> {
  if (write.Put) return client.send(new PutCommand(write.Put));
  if (write.Delete) return client.send(new DeleteCommand(write.Delete));
  if (write.Update)
    return client.send(new UpdateCommand(write.Update as ConstructorParameters<typeof UpdateCommand>[0]));
  throw new ApigwTokenAuthError("unsupported token write", {
    expected: "Put, Delete or Update",
    actual: Object.keys(write).join(", "),
  });
}

async function send<T>(target: TokenWriteTarget, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    const error = cause as Error & { CancellationReasons?: { Code?: string }[] };
    const conditionFailed =
      error.name === "ConditionalCheckFailedException" ||
      (error.name === "TransactionCanceledException" &&
        (error.CancellationReasons ?? []).some((reason) => reason.Code === "ConditionalCheckFailed"));
    if (conditionFailed) {
      throw new ApigwTokenAuthError(
        `token table ${target.tableName}: a token changed while this command ran; nothing was written`,
        { expected: "the tokens as they were read", actual: "a failed condition", cause },
      );
    }
    const tables = target.audit ? `${target.tableName} / ${target.audit.tableName}` : target.tableName;
    throw new ApigwTokenAuthError(
      error.name === "ResourceNotFoundException"
        ? `table ${tables} does not exist`
        : `writing to ${tables} failed: ${error.message}`,
      { expected: "reachable token and token-audit tables", actual: error.name, cause },
    );
  }
}
