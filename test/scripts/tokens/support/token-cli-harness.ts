/**
 * Running the token CLI in-process against a test's tables: a target built from the token-tables
 * fixture that records flushes, and the CLI's output captured.
 */
import type { TokenTarget } from "../../../../lib/tokens/token-store.js";
import { runTokenCli } from "../../../../scripts/tokens/run-token-cli.js";
import type { TargetFlags } from "../../../../scripts/tokens/token-target.js";
import type { TokenTables } from "./token-tables.js";

/** What one CLI run did. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The harness: run the CLI, and see which targets it asked for and how often it flushed. */
export interface TokenCliHarness {
  cli(argv: readonly string[], options?: { stdin?: string }): Promise<CliRun>;
  targets: TargetFlags[];
  flushes: number;
  /** How many runs printed the "not atomic" warning of a backend without transactions. */
  notAtomicWarnings: number;
  /** Makes the next flushes fail with this error. */
  failFlush?: Error;
}

/**
 * A harness over the fixture's current tables.
 */
export function tokenCliHarness(tokens: TokenTables, now?: () => number): TokenCliHarness {
  const harness: TokenCliHarness = {
    targets: [],
    flushes: 0,
    notAtomicWarnings: 0,
    async cli(argv, options = {}) {
      let stdout = "";
      let stderr = "";
      const code = await runTokenCli(argv, {
        stdout: (text) => {
          stdout += text;
        },
        stderr: (text) => {
          stderr += text;
        },
        readStdin: async () => options.stdin ?? "",
        ...(now ? { now } : {}),
        resolveTarget: (flags): TokenTarget => {
          harness.targets.push(flags);
          return {
            client: tokens.client,
            tableName: tokens.table,
            auditTableName: tokens.auditTable,
            supportsTransactions: false,
            description: "the test table",
            actor: async () => "local:test",
            flushAuthorizerCache: async () => {
              if (harness.failFlush) throw harness.failFlush;
              harness.flushes++;
              return "test cache flushed";
            },
            close: () => undefined,
          };
        },
      });
      // dynalite has no transactions: the store's one-line "not atomic" notice is checked on its own.
      const notAtomic = /^warning: this DynamoDB has no transactions.*\n/m;
      if (notAtomic.test(stderr)) {
        harness.notAtomicWarnings++;
        stderr = stderr.replace(notAtomic, "");
      }
      return { code, stdout, stderr };
    },
  };
  return harness;
}
