import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { measureGatewayOverhead } from "../../bench/gateway-overhead.js";
import type { LambdaOutcome } from "../../local/gateway/types.js";
import type { LocalApi } from "../../local/index.js";

describe("bench/gateway-overhead: interleaved sequential p50s", () => {
  const calls: string[] = [];
  let servers: Server[] = [];

  const serve = async (name: string, status = 200): Promise<string> => {
    const server = createServer((_request, response) => {
      calls.push(name);
      response.writeHead(status).end("{}");
    });
    await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/user/u1`;
  };
  const spec = (url: string) => ({ method: "GET" as const, url, headers: {}, expectStatus: 200 });
  const api = (answer: (id: string) => LambdaOutcome) =>
    ({
      invokeFunction: async (functionId: string, event: { id: string }) => {
        calls.push(`${functionId}(${event.id})`);
        return answer(event.id);
      },
    }) as unknown as LocalApi;
  const working = (id: string): LambdaOutcome =>
    id === ""
      ? { kind: "error", errorType: "BadRequest", errorMessage: "id is required" }
      : ({ kind: "result", payload: { id } } as LambdaOutcome);
  const handler = async (event: unknown) => {
    calls.push(`handler(${(event as { id: string }).id})`);
    return {};
  };

  afterEach(async () => {
    calls.length = 0;
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
    servers = [];
  });

  it("calls each side once per round, in turn, and subtracts the bare round trip and the handler", async () => {
    const figures = await measureGatewayOverhead({
      api: api(working),
      handler,
      gateway: spec(await serve("gateway")),
      bare: spec(await serve("bare")),
      userId: "u1",
      rounds: 10,
    });
    expect(calls).to.have.length(60 * 5);
    expect(calls.slice(0, 10)).to.deep.equal([
      "gateway",
      "bare",
      "handler(u1)",
      "UserFunction(u1)",
      "UserFunction()",
      "gateway",
      "bare",
      "handler(u1)",
      "UserFunction(u1)",
      "UserFunction()",
    ]);
    for (const value of Object.values(figures)) expect(value).to.be.a("number");
    expect(figures.overheadP50Ms).to.be.closeTo(
      figures.gatewayP50Ms - figures.bareP50Ms - figures.handlerP50Ms,
      0.0011,
    );
  });

  it("fails when the gateway does not answer the GET, or the function does not answer as a working run", async () => {
    const bare = spec(await serve("bare"));
    const refused = measureGatewayOverhead({
      api: api(working),
      handler,
      gateway: spec(await serve("gateway", 403)),
      bare,
      userId: "u1",
      rounds: 1,
    });
    expect(((await refused.catch((error: Error) => error)) as Error).message).to.match(/answered 403/);
    const broken = measureGatewayOverhead({
      api: api(() => ({ kind: "crash", message: "boom" })),
      handler,
      gateway: spec(await serve("gateway")),
      bare,
      userId: "u1",
      rounds: 1,
    });
    expect(((await broken.catch((error: Error) => error)) as Error).message).to.match(
      /the user function answered .*crash/,
    );
  });
});
