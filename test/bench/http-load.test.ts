import { expect } from "chai";
import { isWarm, WARM_UP } from "../../bench/http-load.js";

describe("bench/http-load: isWarm", () => {
  const settings = { windowSeconds: 3, gainPercent: 5, staleWindows: 3, maxSeconds: 60 };

  it("is not warm while throughput keeps rising by more than the gain", () => {
    expect(isWarm([215, 372, 418, 476, 503, 573], settings)).to.equal(false);
  });

  it("is warm once the last stale windows do not beat the best before them by more than the gain", () => {
    // The cached GET through the gateway, 3 s windows: it settles near 600 req/s.
    expect(isWarm([215, 372, 418, 476, 573, 600, 612, 590, 625], settings)).to.equal(true);
    expect(isWarm([215, 372, 418, 476, 573, 600, 612, 590, 640], settings)).to.equal(false);
  });

  it("needs more windows than the stale count before it judges", () => {
    expect(isWarm([500, 500, 500], settings)).to.equal(false);
    expect(isWarm([500, 500, 500, 500], settings)).to.equal(true);
  });

  it("stops at the time cap whatever the trend", () => {
    const rising = Array.from({ length: 20 }, (_, i) => 100 * 1.1 ** i);
    expect(isWarm(rising.slice(0, 19), settings)).to.equal(false);
    expect(isWarm(rising, settings)).to.equal(true);
  });

  it("defaults to settings that cap a warm-up at a minute", () => {
    expect(
      isWarm(
        Array(WARM_UP.maxSeconds / WARM_UP.windowSeconds)
          .fill(1)
          .map((_, i) => 2 ** i),
      ),
    ).to.equal(true);
  });
});
