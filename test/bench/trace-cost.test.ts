import { expect } from "chai";
import { medianPairChange, type TracedFigures } from "../../bench/trace-cost.js";

const figures = (requestsPerSecond: number, cpuUsPerRequest = 100): TracedFigures => ({
  requestsPerSecond,
  cpuUsPerRequest,
  p50Ms: 1,
  p99Ms: 2,
  errors: 0,
});

describe("bench/trace-cost", () => {
  it("compares each run with its pair, so drift between pairs does not count as cost", () => {
    // The machine slows down run after run; within each pair the trace costs 2 %.
    const on = [980, 490, 245].map((rps) => figures(rps));
    const off = [1000, 500, 250].map((rps) => figures(rps));
    expect(medianPairChange(on, off, (f) => f.requestsPerSecond)).to.equal(-2);
  });

  it("takes the median pair, so one disturbed pair does not decide", () => {
    const on = [figures(100, 103), figures(100, 104), figures(100, 180)];
    const off = [figures(100, 100), figures(100, 100), figures(100, 100)];
    expect(medianPairChange(on, off, (f) => f.cpuUsPerRequest)).to.equal(4);
  });
});
