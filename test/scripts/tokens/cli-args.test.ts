import { expect } from "chai";
import { AuthorizerContextError } from "../../../handlers/shared/authorizer-context.js";
import { ScopeFormatError } from "../../../handlers/shared/errors.js";
import { CliUsageError, parseTokenCommand } from "../../../scripts/tokens/cli-args.js";
import { DurationFormatError } from "../../../scripts/tokens/duration.js";

describe("scripts/tokens/cli-args", () => {
  it("parses issue with every option, scopes in canonical form", () => {
    const command = parseTokenCommand([
      "issue",
      "--local",
      "--principal",
      "alice",
      "--scope",
      "put /user",
      "--scope",
      "GET /user/{id}",
      "--expires-in",
      "30d",
      "--context",
      "tier=gold",
      "--context",
      "team=a=b",
      "--description",
      "laptop",
      "--json",
    ]);
    expect(command).to.deep.equal({
      command: "issue",
      target: { local: true },
      json: true,
      principalId: "alice",
      scopes: ["PUT /user", "GET /user/*"],
      expiresInSeconds: 2_592_000,
      context: { tier: "gold", team: "a=b" },
      description: "laptop",
    });
  });

  it("leaves scopes out when none are given (the store then grants every method)", () => {
    expect(parseTokenCommand(["issue", "--local", "--principal", "a"])).to.deep.equal({
      command: "issue",
      target: { local: true },
      json: false,
      principalId: "a",
    });
  });

  it("parses revoke and list", () => {
    expect(parseTokenCommand(["revoke", "abcdef123456", "--local"])).to.deep.equal({
      command: "revoke",
      target: { local: true },
      json: false,
      digestPrefix: "abcdef123456",
    });
    expect(parseTokenCommand(["list", "--json"])).to.deep.equal({ command: "list", target: {}, json: true });
    expect(parseTokenCommand([])).to.deep.equal({ command: "help" });
  });

  for (const [argv, errorClass, message] of [
    [["issue", "--local"], CliUsageError, "issue needs --principal <id>"],
    [["issue", "--local", "--principal"], CliUsageError, "--principal"],
    [["issue", "--principal", "a", "--scopes", "x"], CliUsageError, "Unknown option '--scopes'"],
    [["issue", "--principal", "a", "--scope", "FETCH /user"], ScopeFormatError, "invalid scope"],
    [["issue", "--principal", "a", "--expires-in", "soon"], DurationFormatError, "invalid duration"],
    [["issue", "--principal", "a", "--context", "tier"], CliUsageError, "is not key=value"],
    [["issue", "--principal", "a", "--context", "a=1", "--context", "a=2"], CliUsageError, "given twice"],
    [["issue", "--principal", "a", "--context", "claims=x"], AuthorizerContextError, "claims"],
    [["list", "--principal", "a"], CliUsageError, "Unknown option '--principal'"],
    [["list", "extra"], CliUsageError, "Unexpected argument 'extra'"],
    [["revoke", "--local"], CliUsageError, "revoke takes one digest prefix"],
    [["renew"], CliUsageError, 'unknown command "renew"'],
  ] as const) {
    it(`refuses ${argv.join(" ")}`, () => {
      expect(() => parseTokenCommand(argv)).to.throw(errorClass, message);
    });
  }
});
