import { expect } from "chai";
import { measureInvocationConcurrency } from "../../bench/invocation-concurrency.js";
import type { LambdaOutcome } from "../../local/gateway/types.js";
import type { LocalApi } from "../../local/index.js";

describe("bench/invocation-concurrency: the function through the runtime and in process", () => {
  const fakeApi = (answer: () => LambdaOutcome, seen: unknown[] = []) =>
    ({
      invokeFunction: async (functionId: string, event: unknown) => {
        seen.push([functionId, event]);
        await new Promise((resolve) => setImmediate(resolve));
        return answer();
      },
    }) as unknown as LocalApi;
  const handler = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return {};
  };

  it("gives each mode's calls per second and CPU per call at each concurrency, calling the user function's GET", async () => {
    const seen: unknown[] = [];
    const inFlight: number[] = [];
    let outstanding = 0;
    const counted = async () => {
      outstanding++;
      inFlight.push(outstanding);
      await handler();
      outstanding--;
      return {};
    };
    const figures = await measureInvocationConcurrency({
      api: fakeApi(() => ({ kind: "result", payload: {} }) as LambdaOutcome, seen),
      handler: counted,
      userId: "u1",
      inFlight: [1, 4],
      windowMs: 20,
      windows: 1,
    });
    expect(figures.map(({ mode, inFlight: n }) => `${mode}@${n}`).sort()).to.deep.equal([
      "in process@1",
      "in process@4",
      "local Lambda runtime@1",
      "local Lambda runtime@4",
    ]);
    for (const f of figures) {
      expect(f.callsPerSecond).to.be.greaterThan(0);
      expect(f.cpuMicrosPerCall).to.be.greaterThan(0);
    }
    expect(Math.max(...inFlight)).to.equal(4);
    expect(seen[0]).to.deep.equal([
      "UserFunction",
      { operation: "getUser", principalId: "bench", requestId: "bench", id: "u1" },
    ]);
  });

  it("fails when the function does not answer with a result", async () => {
    const failure = await measureInvocationConcurrency({
      api: fakeApi(() => ({ kind: "crash", message: "boom" })),
      handler,
      userId: "u1",
      inFlight: [1],
      windowMs: 10,
      windows: 1,
    }).catch((error: Error) => error);
    expect((failure as Error).message).to.match(/the user function answered .*crash/);
  });
});
