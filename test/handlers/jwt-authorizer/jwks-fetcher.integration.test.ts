import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NonRetryableFetchError } from "aws-jwt-verify/error";
import { expect } from "chai";
import { JwksFetcher } from "../../../handlers/jwt-authorizer/jwks-fetcher.js";

describe("handlers/jwt-authorizer/jwks-fetcher", () => {
  let server: Server;
  let origin: string;

  before(async () => {
    server = createServer((request, response) => {
      response.writeHead(request.url === "/jwks.json" ? 200 : 404).end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("downloads over plain http from the loopback interface", async () => {
    const body = await new JwksFetcher().fetch(`${origin}/jwks.json`);
    expect(new TextDecoder().decode(body)).to.equal('{"keys":[]}');
  });

  it("fails without retry on a status other than 200", async () => {
    const error = await new JwksFetcher().fetch(`${origin}/missing`).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NonRetryableFetchError);
  });

  it("refuses plain http to any other host without connecting", async () => {
    const error = await new JwksFetcher().fetch("http://idp.test/jwks.json").catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NonRetryableFetchError);
  });
});
