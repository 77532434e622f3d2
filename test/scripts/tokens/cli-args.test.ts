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
      scopes: ["PUT /user", "GET /user/{id}"],
      expiresInSeconds: 2_592_000,
      context: { tier: "gold", team: "a=b" },
      description: "laptop",
    });
  });

  it("takes a scope for DELETE /user/{id} (the path parameter stays: one segment)", () => {
    const command = parseTokenCommand([
      "issue",
      "--local",
      "--principal",
      "ops",
      "--scope",
      "DELETE /user/{id}",
    ]);
    expect(command).to.deep.include({ scopes: ["DELETE /user/{id}"] });
  });

  it("parses --expires-in never as a token without expiry, and rotate's own flags", () => {
    expect(
      parseTokenCommand(["issue", "--local", "--principal", "a", "--scope", "*", "--expires-in", "never"]),
    ).to.deep.include({ expiresInSeconds: null, scopes: ["*"] });
    expect(
      parseTokenCommand([
        "rotate",
        "--stack",
        "s",
        "--principal",
        "a",
        "--grace",
        "1h",
        "--no-flush",
        "--reason",
        "yearly",
      ]),
    ).to.deep.equal({
      command: "rotate",
      target: { stack: "s" },
      json: false,
      principalId: "a",
      graceSeconds: 3600,
      flush: false,
      reason: "yearly",
    });
  });

  it("parses revoke, list, audit and flush", () => {
    expect(parseTokenCommand(["revoke", "abcdef123456", "--local"])).to.deep.equal({
      command: "revoke",
      target: { local: true },
      json: false,
      digestPrefix: "abcdef123456",
      tokenStdin: false,
      flush: true,
    });
    expect(parseTokenCommand(["revoke", "--token-stdin", "--local", "--reason", "leaked"])).to.deep.equal({
      command: "revoke",
      target: { local: true },
      json: false,
      tokenStdin: true,
      flush: true,
      reason: "leaked",
    });
    expect(parseTokenCommand(["list", "--json"])).to.deep.equal({ command: "list", target: {}, json: true });
    expect(parseTokenCommand(["list", "--principal", "a"])).to.deep.include({ principalId: "a" });
    expect(parseTokenCommand(["audit", "--local", "--principal", "a", "--since", "7d"])).to.deep.equal({
      command: "audit",
      target: { local: true },
      json: false,
      principalId: "a",
      sinceSeconds: 604_800,
    });
    expect(parseTokenCommand(["flush", "--local"])).to.deep.equal({
      command: "flush",
      target: { local: true },
    });
    expect(parseTokenCommand([])).to.deep.equal({ command: "help" });
  });

  for (const [argv, errorClass, message] of [
    [["issue", "--local"], ApigwTokenAuthError, "issue needs --principal <id>"],
    [["issue", "--local", "--principal", "a"], ApigwTokenAuthError, "issue needs at least one --scope"],
    [["rotate", "--local"], ApigwTokenAuthError, "rotate needs --principal <id>"],
    [["rotate", "--local", "--principal", "a", "--grace", "0"], ApigwTokenAuthError, "invalid duration"],
    [
      ["rotate", "--local", "--principal", "a", "--agent-id", "x", "--scope", "*"],
      ApigwTokenAuthError,
      "agent routes",
    ],
    [
      ["issue", "--principal", "a", "--scope", "*", "--reason", "a\nb"],
      ApigwTokenAuthError,
      "--reason must be one line",
    ],
    [
      ["issue", "--principal", "a", "--scope", "*", "--reason", "x".repeat(501)],
      ApigwTokenAuthError,
      "--reason",
    ],
    [["list", "--principal", ""], ApigwTokenAuthError, "--principal is empty"],
    [["audit", "--since", "7 days"], ApigwTokenAuthError, "invalid duration"],
    [["flush", "extra"], ApigwTokenAuthError, "Unexpected argument"],
    [["issue", "--local", "--principal"], ApigwTokenAuthError, "--principal"],
    [["issue", "--principal", "a", "--scopes", "x"], ApigwTokenAuthError, "Unknown option '--scopes'"],
    [["issue", "--principal", "a", "--scope", "FETCH /user"], ApigwTokenAuthError, "invalid scope"],
    [
      ["issue", "--principal", "a", "--scope", "*", "--expires-in", "soon"],
      ApigwTokenAuthError,
      "invalid duration",
    ],
    [["issue", "--principal", "a", "--context", "tier"], ApigwTokenAuthError, "is not key=value"],
    [
      ["issue", "--principal", "a", "--context", "a=1", "--context", "a=2"],
      ApigwTokenAuthError,
      "given twice",
    ],
    [["issue", "--principal", "a", "--context", "claims=x"], ApigwTokenAuthError, "claims"],
    [["list", "--scope", "a"], ApigwTokenAuthError, "Unknown option '--scope'"],
    [["list", "extra"], ApigwTokenAuthError, "Unexpected argument 'extra'"],
    [["revoke", "--local"], ApigwTokenAuthError, "revoke takes one digest prefix or --token-stdin"],
    [["revoke", "--local", "--token-stdin", "abcdef"], ApigwTokenAuthError, "takes no digest prefix"],
    [["renew"], ApigwTokenAuthError, 'unknown command "renew"'],
  ] as const) {
    it(`refuses ${argv.join(" ")}`, () => {
      expect(() => parseTokenCommand(argv)).to.throw(errorClass, message);
    });
  }
});
