import { expect } from "chai";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { parseTokenCommand } from "../../../scripts/tokens/cli-args.js";

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
    [["issue", "--local"], ApigwTokenAuthError, "issue needs --principal <id>"],
    [["issue", "--local", "--principal"], ApigwTokenAuthError, "--principal"],
    [["issue", "--principal", "a", "--scopes", "x"], ApigwTokenAuthError, "Unknown option '--scopes'"],
    [["issue", "--principal", "a", "--scope", "FETCH /user"], ApigwTokenAuthError, "invalid scope"],
    [["issue", "--principal", "a", "--expires-in", "soon"], ApigwTokenAuthError, "invalid duration"],
    [["issue", "--principal", "a", "--context", "tier"], ApigwTokenAuthError, "is not key=value"],
    [
      ["issue", "--principal", "a", "--context", "a=1", "--context", "a=2"],
      ApigwTokenAuthError,
      "given twice",
    ],
    [["issue", "--principal", "a", "--context", "claims=x"], ApigwTokenAuthError, "claims"],
    [["list", "--principal", "a"], ApigwTokenAuthError, "Unknown option '--principal'"],
    [["list", "extra"], ApigwTokenAuthError, "Unexpected argument 'extra'"],
    [["revoke", "--local"], ApigwTokenAuthError, "revoke takes one digest prefix"],
    [["renew"], ApigwTokenAuthError, 'unknown command "renew"'],
  ] as const) {
    it(`refuses ${argv.join(" ")}`, () => {
      expect(() => parseTokenCommand(argv)).to.throw(errorClass, message);
    });
  }
});
