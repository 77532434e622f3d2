import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ApigwTokenAuthError } from "../../handlers/shared/errors.js";
import { listTemplates, runCfnLint } from "../../scripts/cfn-lint.js";

describe("scripts/cfn-lint", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "cfn-lint-test-"));
    for (const name of ["b.yml", "a.yaml", "c.json", "notes.md", "d.yaml.bak"])
      await writeFile(join(dir, name), "");
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("lists the YAML and JSON templates of a directory, sorted", () => {
    expect(listTemplates(dir)).to.deep.equal(["a.yaml", "b.yml", "c.json"].map((name) => join(dir, name)));
  });

  it("finds the project's template by default", () => {
    expect(listTemplates()).to.include("cloudformation/api.yaml");
  });

  it("fails with the pip install hint when cfn-lint is missing", () => {
    expect(() => runCfnLint(["x.yaml"], "cfn-lint-that-does-not-exist"))
      .to.throw(ApigwTokenAuthError, "install it with `pip install cfn-lint`")
      .with.property("actual", "not found");
  });

  it("returns the linter's exit status", () => {
    // `true` and `false` stand in for a clean and a failing cfn-lint run.
    expect(runCfnLint(["x.yaml"], "true")).to.equal(0);
    expect(runCfnLint(["x.yaml"], "false")).to.equal(1);
  });
});
