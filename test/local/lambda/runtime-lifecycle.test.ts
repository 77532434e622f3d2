import { expect } from "chai";
import { NODE_RUNTIME_LIFECYCLE, runtimeVerdict } from "../../../local/lambda/runtime-lifecycle.js";

describe("local/lambda/runtime-lifecycle", () => {
  it("refuses, with the date, runtimes every source says are blocked for creation", () => {
    for (const runtime of ["nodejs", "nodejs4.3", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x"]) {
      const verdict = runtimeVerdict(runtime, "2026-11-29");
      expect(verdict.kind, runtime).to.equal("refuse");
    }
    expect(runtimeVerdict("nodejs14.x", "2026-11-29")).to.deep.equal({
      kind: "refuse",
      message:
        "AWS Lambda no longer lets you create functions with nodejs14.x: blocked since 2024-01-09 (cfn-lint 1.51.0 LmbdRuntimeLifecycle.json (2026-05-20)); deprecated since 2023-12-04",
    });
  });

  it("warns while the sources disagree, and refuses once every date has passed", () => {
    const between = runtimeVerdict("nodejs20.x", "2026-11-29");
    expect(between.kind).to.equal("warn");
    expect(between.kind === "warn" && between.message)
      .to.contain("2026-06-01")
      .and.contain("2027-02-01");
    expect(runtimeVerdict("nodejs20.x", "2027-02-01").kind).to.equal("refuse");
    expect(runtimeVerdict("nodejs20.x", "2026-05-31").kind).to.equal("warn");
  });

  it("accepts current runtimes, warns once deprecated, refuses once blocked", () => {
    expect(runtimeVerdict("nodejs22.x", "2026-11-29")).to.deep.equal({ kind: "ok" });
    expect(runtimeVerdict("nodejs22.x", "2027-05-01").kind).to.equal("warn");
    expect(runtimeVerdict("nodejs22.x", "2027-06-01").kind).to.equal("refuse");
    expect(runtimeVerdict("nodejs24.x", "2026-11-29")).to.deep.equal({ kind: "ok" });
  });

  it("leaves runtimes it does not know to the caller", () => {
    expect(runtimeVerdict("python3.12", "2026-11-29")).to.deep.equal({ kind: "ok" });
  });

  it("keeps every date well-formed (YYYY-MM-DD) and every runtime with a block date", () => {
    for (const [runtime, { deprecated, blockCreate }] of Object.entries(NODE_RUNTIME_LIFECYCLE)) {
      for (const date of [deprecated, ...blockCreate.map((b) => b.date)]) {
        expect(date, runtime).to.match(/^\d{4}-\d{2}-\d{2}$/);
      }
      expect(blockCreate.length, runtime).to.be.greaterThan(0);
    }
  });
});
