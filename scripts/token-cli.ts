/**
 * `npm run --silent token -- <issue|revoke|list|help> --local ...`: issue, revoke and list bearer
 * tokens in a token table (see scripts/tokens/cli-args.ts for the usage).
 */
import { runTokenCli } from "./tokens/run-token-cli.js";

// The local API reports the Node.js version gap once; the SDK would repeat it on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

process.exitCode = await runTokenCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
