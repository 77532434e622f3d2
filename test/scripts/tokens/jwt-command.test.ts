import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { readJwtConfig } from "../../../handlers/jwt-authorizer/jwt-config.js";
import { createJwtVerifier } from "../../../handlers/jwt-authorizer/jwt-verifier.js";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { LOCAL_JWT_AUDIENCE, LOCAL_JWT_ISSUER } from "../../../lib/jwt/test-token.js";
import { startLocalJwtIssuer } from "../../../local/jwt-issuer/jwt-issuer.js";
import { parseJwtCommand, runJwtCommand } from "../../../scripts/tokens/jwt-command.js";
import { runTokenCli } from "../../../scripts/tokens/run-token-cli.js";

describe("scripts/tokens/jwt-command", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "jwt-command-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("parses subject, groups, OAuth scopes and lifetime", () => {
    expect(
      parseJwtCommand([
        "--sub",
        "alice",
        "--group",
        "a",
        "--group",
        "b",
        "--oauth-scope",
        "x",
        "--expires-in",
        "2h",
      ]),
    ).to.deep.equal({
      command: "jwt",
      token: { subject: "alice", groups: ["a", "b"], scopes: ["x"], expiresInSeconds: 7200 },
    });
    expect(parseJwtCommand(["--local"])).to.deep.equal({ command: "jwt", token: {} });
  });

  for (const [argv, message] of [
    [["--sub", "two words"], "values must be one word each"],
    [["--unknown"], "Unknown option '--unknown'"],
    [["--group", "a b"], "values must be one word each"],
  ] as const) {
    it(`refuses ${argv.join(" ")}`, () => {
      expect(() => parseJwtCommand(argv)).to.throw(ApigwTokenAuthError, message);
    });
  }

  it("mints with the key a running local issuer serves, so the local JWT authorizer accepts it", async () => {
    const keyFile = join(dir, "signing-key.json");
    const issuer = await startLocalJwtIssuer({ keyFile });
    try {
      const jwt = runJwtCommand(parseJwtCommand(["--sub", "alice", "--group", "admin"]), keyFile);
      const config = readJwtConfig({
        JWT_ISSUER: LOCAL_JWT_ISSUER,
        JWT_JWKS_URI: issuer.jwksUri,
        JWT_AUDIENCE: LOCAL_JWT_AUDIENCE,
        JWT_TOKEN_USE: "access",
        JWT_METHOD_RULES: '{"GET /me": {}}',
      });
      const payload = await createJwtVerifier(config.issuer)(jwt);
      expect(payload).to.include({ sub: "alice" });
    } finally {
      await issuer.stop();
    }
  });

  it("prints only the JWT through the CLI and needs no table", async () => {
    let stdout = "";
    const code = await runTokenCli(["jwt", "--sub", "bob"], {
      stdout: (text) => {
        stdout += text;
      },
      stderr: () => undefined,
      resolveTarget: () => expect.fail("jwt must not look for a table"),
      jwtKeyFile: join(dir, "signing-key.json"),
    });
    expect(code).to.equal(0);
    expect(stdout).to.match(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });
});
