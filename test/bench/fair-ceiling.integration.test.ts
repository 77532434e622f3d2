import { expect } from "chai";
import { startFairCeilingServer } from "../../bench/fair-ceiling.js";

describe("bench/fair-ceiling: the user function in process behind node:http", () => {
  it("answers GET /v1/user/{id} with the handler's user, PUT /v1/user with 204, a failure with 500", async () => {
    const events: unknown[] = [];
    const server = await startFairCeilingServer(async (event) => {
      events.push(event);
      const { id } = event as { id?: string };
      if (id === "missing") throw new Error("NotFound: user missing does not exist");
      return { id, name: "Bench" };
    });
    try {
      const get = await fetch(`${server.origin}/v1/user/bench`);
      expect(get.status).to.equal(200);
      expect(await get.json()).to.deep.equal({ id: "bench", name: "Bench" });
      const put = await fetch(`${server.origin}/v1/user`, { method: "PUT", body: '{"id":"b","name":"B"}' });
      expect(put.status).to.equal(204);
      expect((await fetch(`${server.origin}/v1/user/missing`)).status).to.equal(500);
      expect((await fetch(`${server.origin}/v1/other`)).status).to.equal(404);
      expect(events.slice(0, 2)).to.deep.equal([
        { principalId: "bench", requestId: "fair-1", operation: "getUser", id: "bench" },
        { principalId: "bench", requestId: "fair-2", operation: "putUser", user: { id: "b", name: "B" } },
      ]);
    } finally {
      await server.stop();
    }
  });

  it("drops the function's JSON log lines while it runs, and only those", async () => {
    const original = process.stdout.write;
    const server = await startFairCeilingServer(async () => ({}));
    try {
      expect(process.stdout.write).to.not.equal(original);
      expect(process.stdout.write('{"level":"INFO","message":"user read"}\n')).to.equal(true);
    } finally {
      await server.stop();
    }
    expect(process.stdout.write).to.equal(original);
  });
});
