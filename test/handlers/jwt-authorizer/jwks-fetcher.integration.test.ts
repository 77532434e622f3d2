import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NonRetryableFetchError } from "aws-jwt-verify/error";
import { expect } from "chai";
import { JwksFetcher, MAX_JWKS_BYTES } from "../../../handlers/jwt-authorizer/jwks-fetcher.js";

describe("handlers/jwt-authorizer/jwks-fetcher", () => {
  let server: Server;
  let origin: string;

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === "/redirect") {
        // Off the loopback interface: the URL check passed for 127.0.0.1, the redirect must not.
        response.writeHead(302, { Location: "http://idp.test/jwks.json" }).end();
      } else if (request.url === "/huge-chunked") {
        response.writeHead(200);
        for (let i = 0; i <= MAX_JWKS_BYTES / 1024; i++) response.write("x".repeat(1024));
        response.end();
      } else if (request.url === "/huge-declared") {
        response.writeHead(200, { "Content-Length": String(MAX_JWKS_BYTES + 1) });
        response.end("x".repeat(MAX_JWKS_BYTES + 1));
      } else {
        response.writeHead(request.url === "/jwks.json" ? 200 : 404).end('{"keys":[]}');
      }
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

  it("refuses a redirect instead of following it", async () => {
    const error = await new JwksFetcher().fetch(`${origin}/redirect`).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NonRetryableFetchError);
    expect((error as Error).message).to.match(/redirect refused/);
  });

  it("refuses a JWKS over the size cap, declared or streamed", async () => {
    for (const path of ["/huge-declared", "/huge-chunked"]) {
      const error = await new JwksFetcher().fetch(`${origin}${path}`).catch((e: unknown) => e);
      expect(error, path).to.be.instanceOf(NonRetryableFetchError);
      expect((error as Error).message, path).to.match(/larger than 262144 bytes/);
    }
  });

  it("refuses plain http to any other host without connecting", async () => {
    const error = await new JwksFetcher().fetch("http://idp.test/jwks.json").catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NonRetryableFetchError);
  });
});
