import { expect } from "chai";
import { exampleModule, exportedNames, extractExamples, selected } from "../../scripts/check-doc-examples.js";

const SOURCE = [
  "/**",
  " * Parses a scope.",
  " *",
  " * @example",
  " * ```ts",
  ' * parseScope("GET /user"); // { verb: "GET", resourcePath: "user" }',
  " * ```",
  " */",
  "export function parseScope(text: string): Scope {",
  "  return JSON.parse(text);",
  "}",
  "/**",
  " * @example",
  " * parseScope(x) // not fenced",
  " */",
  "export interface Scope { verb: string }",
  "export const ALL = '*';",
].join("\n");

describe("scripts/check-doc-examples", () => {
  it("extracts each fenced ts example with the source line of its first code line", () => {
    expect(extractExamples("handlers/shared/scope.ts", SOURCE)).to.deep.equal([
      {
        file: "handlers/shared/scope.ts",
        line: 6,
        code: 'parseScope("GET /user"); // { verb: "GET", resourcePath: "user" }',
      },
      { file: "handlers/shared/scope.ts", line: 13, code: undefined },
    ]);
  });

  it("tells exported values from exported types (types need import type)", () => {
    expect(exportedNames(SOURCE)).to.deep.equal({ values: ["parseScope", "ALL"], types: ["Scope"] });
  });

  it("imports the module's exports the example uses, and re-points its relative imports", () => {
    const { text, headerLines } = exampleModule(
      {
        file: "handlers/shared/scope.ts",
        code: 'import { digestToken } from "./token.js";\nconst s: Scope = parseScope(digestToken("x"));',
      },
      { values: ["parseScope", "ALL"], types: ["Scope"] },
      "/repo/.local/doc-examples-1",
      "/repo",
    );
    expect(headerLines).to.equal(2);
    expect(text.split("\n")).to.deep.equal([
      'import { parseScope } from "../../handlers/shared/scope.js";',
      'import type { Scope } from "../../handlers/shared/scope.js";',
      'import { digestToken } from "../../handlers/shared/token.js";',
      'const s: Scope = parseScope(digestToken("x"));',
      "",
      "export {};",
      "",
    ]);
  });

  it("imports an export used in a spread, but not a property of the same name", () => {
    const { text } = exampleModule(
      { file: "lib/build/bundle.ts", code: "const options = { ...bundleOptions(spec), other: ctx.build };" },
      { values: ["bundleOptions", "build"], types: [] },
      "/repo/.local/x",
      "/repo",
    );
    expect(text.split("\n")[0]).to.equal('import { bundleOptions } from "../../lib/build/bundle.js";');
  });

  it("does not import what the example imports or declares itself", () => {
    const { text, headerLines } = exampleModule(
      {
        file: "lib/a.ts",
        code: 'import { parseScope } from "./a.js";\ndeclare const ALL: string;\nparseScope(ALL);',
      },
      { values: ["parseScope", "ALL"], types: [] },
      "/repo/.local/x",
      "/repo",
    );
    expect(headerLines).to.equal(0);
    expect(text).to.contain('from "../../lib/a.js"');
  });

  it("selects files by path prefix, ! leaving a prefix out", () => {
    expect(selected("scripts/deploy/x.ts", [])).to.equal(true);
    expect(selected("scripts/deploy/x.ts", ["!scripts/deploy/"])).to.equal(false);
    expect(selected("scripts/tokens/x.ts", ["!scripts/deploy/"])).to.equal(true);
    expect(selected("handlers/a.ts", ["lib/", "local/"])).to.equal(false);
  });
});
