import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { loadTest } from "../../bench/http-load.js";

describe("bench/http-load: loadTest", () => {
  it("measures each run after its lead-in, whose answers count for nothing", async function () {
    this.timeout(15_000);
    // Refuses its first 20 requests, as a target still slow after idling would answer them slowly.
    let seen = 0;
    const server = createServer((_request, response) => {
      seen++;
      response.writeHead(seen <= 20 ? 503 : 200).end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const spec = {
        method: "GET",
        url: `http://127.0.0.1:${port}/`,
        headers: {},
        expectStatus: 200,
      } as const;
      const figures = await loadTest(spec, { connections: 1, durationSeconds: 1, runs: 1, leadInSeconds: 1 });
      expect(seen, "the lead-in sent requests").to.be.greaterThan(20);
      expect(figures.errors, "the lead-in's refusals are not counted").to.equal(0);
      expect(figures.requestsPerSecond).to.be.greaterThan(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
