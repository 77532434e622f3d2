import { expect } from "chai";
import type { BenchResults } from "../../bench/report.js";
import { renderThroughputTable } from "../../bench/report.js";
import { targetChecks } from "../../bench/targets.js";
import type { ThroughputCell } from "../../bench/throughput.js";

const GET = "GET /user/{id} (cached authorizer)";
const cell = (
  target: ThroughputCell["target"],
  route: ThroughputCell["route"],
  connections: number,
  rps: number,
) =>
  ({
    target,
    route,
    connections,
    requestsPerSecond: rps,
    p50Ms: 1,
    p99Ms: 2,
    errors: 0,
    runs: [],
  }) as ThroughputCell;

function results(localGet16: number): Omit<BenchResults, "targets"> {
  const cells: ThroughputCell[] = [];
  for (const route of [GET, "PUT /user"] as const) {
    for (const c of [1, 16]) {
      cells.push(cell("fair ceiling", route, c, 1000));
      cells.push(cell("local gateway", route, c, route === GET && c === 16 ? localGet16 : 800));
    }
  }
  return {
    startedAt: "",
    durationSeconds: 0,
    machine: { node: "20", cpus: 2, cpuModel: "x", loadAverage: [0, 0, 0] },
    settings: { connections: [1, 16], durationSeconds: 1, runs: 1 },
    throughput: {
      cells,
      overhead: { gatewayP50Ms: 1, bareP50Ms: 0.2, handlerP50Ms: 0.5, overheadP50Ms: 0.3 },
    },
    economy: [],
    coldStart: [],
    authorizer: { decisionsPerSecond: 0, runs: [], getItemCalls: 0 },
  };
}

describe("bench/targets and report: local gateway ÷ fair ceiling", () => {
  const fairCheck = (localGet16: number) =>
    targetChecks(results(localGet16)).find((check) => check.name.startsWith("Local ÷ fair ceiling"));

  it("is met at ≥ 0.7× on both routes at 1 and 16 connections, and names each ratio", () => {
    expect(fairCheck(700)).to.deep.include({
      met: true,
      measured:
        "GET /user/{id} c=1: 0.80×, GET /user/{id} c=16: 0.70×, PUT /user c=1: 0.80×, PUT /user c=16: 0.80×",
    });
  });

  it("is missed, with the reason, when one cell is below 0.7×", () => {
    const check = fairCheck(690);
    expect(check?.met).to.equal(false);
    expect(check?.why).to.include("worker thread");
  });

  it("puts the fair ceiling and the ratio in the throughput table", () => {
    const table = renderThroughputTable(results(700).throughput, [1, 16]);
    expect(table[0]).to.include("fair ceiling req/s").and.include("Local ÷ fair ceiling");
    expect(table.find((line) => line.startsWith(`| ${GET} | 16 |`)))
      .to.include("| 1000 |")
      .and.include("| 0.70× |");
  });
});
