import { Agent, createServer, type IncomingMessage, request, type Server } from "node:http";
import { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { expect } from "chai";
import sinon from "sinon";
import { routeConnectionsInMemory } from "../../../local/iam/in-memory-connection.js";

// Never listened on: a connection that reached TCP would fail, so every answer below came through memory.
const PORT = 40_123;

interface Answer {
  status: number;
  body: string;
  socket: Duplex;
}

function send(
  agent: Agent,
  options: { path?: string; body?: string; timeout?: number; host?: string; port?: number } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: options.host ?? "127.0.0.1",
        port: options.port ?? PORT,
        method: "POST",
        path: options.path ?? "/",
        agent,
        ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      },
      (response) => {
        // Read now: a keep-alive response gives its socket back to the agent when it ends.
        const socket = response.socket;
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            socket,
          }),
        );
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error("timed out")));
    outgoing.on("error", reject);
    outgoing.end(options.body ?? "");
  });
}

async function readBody(incoming: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

describe("local/iam/in-memory-connection", () => {
  let server: Server;
  let connections: Duplex[];
  let agent: Agent;
  let restore: () => void;

  beforeEach(() => {
    connections = [];
    server = createServer((incoming, response) => {
      void readBody(incoming).then((body) => {
        if (incoming.url === "/close") response.setHeader("connection", "close");
        if (incoming.url === "/never") return;
        response.end(
          JSON.stringify({
            tcp: incoming.socket instanceof Socket,
            remoteAddress: incoming.socket.remoteAddress,
            length: body.length,
            echo: body.slice(0, 20),
          }),
        );
      });
    });
    server.on("connection", (socket: Duplex) => connections.push(socket));
    restore = routeConnectionsInMemory(PORT, (socket) => server.emit("connection", socket));
    agent = new Agent({ keepAlive: true, maxSockets: 4 });
  });

  afterEach(() => {
    agent.destroy();
    restore();
    for (const socket of connections) socket.destroy();
  });

  it("carries a request and its answer through memory, to a server that sees a loopback caller", async () => {
    const answer = await send(agent, { body: "hello" });
    expect(answer.status).to.equal(200);
    expect(JSON.parse(answer.body)).to.deep.equal({
      tcp: false,
      remoteAddress: "127.0.0.1",
      length: 5,
      echo: "hello",
    });
  });

  it("keeps the connection alive between requests, as a keep-alive agent does over TCP", async () => {
    await send(agent);
    await send(agent);
    await send(agent);
    expect(connections).to.have.length(1);
  });

  it("carries a body of several megabytes intact, in order", async () => {
    const body = Array.from({ length: 200_000 }, (_, i) => `${i % 10}${"abcdefghij"[i % 10]}`).join("");
    const answer = JSON.parse((await send(agent, { body })).body);
    expect(answer.length).to.equal(body.length);
    expect(answer.echo).to.equal(body.slice(0, 20));
  });

  it("routes localhost too, but nothing else: another port or host keeps the previous createConnection", async () => {
    expect(JSON.parse((await send(agent, { host: "localhost" })).body).tcp).to.equal(false);
    restore();
    const tcp = sinon.stub(Agent.prototype, "createConnection").callsFake(() => {
      throw new Error("TCP");
    });
    try {
      restore = routeConnectionsInMemory(PORT, (socket) => server.emit("connection", socket));
      for (const target of [{ port: PORT + 1 }, { host: "10.0.0.1" }]) {
        try {
          await send(new Agent(), target);
          expect.fail("reached the in-memory server");
        } catch (error) {
          expect((error as Error).message).to.equal("TCP");
        }
      }
      expect(tcp.callCount).to.equal(2);
      restore();
      expect(Agent.prototype.createConnection).to.equal(tcp);
    } finally {
      tcp.restore();
    }
  });

  it("undoes only its own routing: a second restore, or one after another replaced it, leaves that in place", () => {
    const routed = Agent.prototype.createConnection;
    restore();
    const tcp = Agent.prototype.createConnection;
    expect(tcp).to.not.equal(routed);
    restore();
    expect(Agent.prototype.createConnection).to.equal(tcp);
    const again = routeConnectionsInMemory(PORT + 2, () => undefined);
    const theirs = sinon.stub(Agent.prototype, "createConnection");
    try {
      again();
      expect(Agent.prototype.createConnection).to.equal(theirs);
    } finally {
      theirs.restore();
    }
    again();
    expect(Agent.prototype.createConnection).to.equal(tcp);
  });

  it("routes several ports at once, and restores in any order leave the original createConnection", async () => {
    restore();
    const original = Agent.prototype.createConnection;
    const routeTo = (port: number) =>
      routeConnectionsInMemory(port, (socket) => server.emit("connection", socket));
    const first = routeTo(PORT);
    const second = routeTo(PORT + 3);
    expect(JSON.parse((await send(new Agent())).body).tcp).to.equal(false);
    expect(JSON.parse((await send(new Agent(), { port: PORT + 3 })).body).tcp).to.equal(false);
    first();
    // The first port is back on TCP, where nothing listens; the second still goes through memory.
    try {
      await send(new Agent());
      expect.fail("reached the in-memory server after its route was ended");
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).to.equal("ECONNREFUSED");
    }
    expect(JSON.parse((await send(new Agent(), { port: PORT + 3 })).body).tcp).to.equal(false);
    second();
    expect(Agent.prototype.createConnection).to.equal(original);
  });

  it("closes both ends when the server closes the connection, and the agent opens a new one", async () => {
    const first = await send(agent, { path: "/close" });
    await new Promise((resolve) =>
      first.socket.destroyed ? resolve(undefined) : first.socket.once("close", resolve),
    );
    await send(agent);
    expect(connections).to.have.length(2);
    expect(connections[0]?.destroyed).to.equal(true);
  });

  it("ends the server's side when the client destroys its socket", async () => {
    const { socket } = await send(agent);
    const serverEnd = connections[0] as Duplex;
    const closed = new Promise((resolve) => serverEnd.once("close", resolve));
    socket.destroy();
    await closed;
    expect(serverEnd.destroyed).to.equal(true);
  });

  it("times out an idle request as a socket does (`timeout` on http.request)", async () => {
    const error = await send(agent, { path: "/never", timeout: 20 }).catch((failure: Error) => failure);
    expect((error as Error).message).to.equal("timed out");
  });
});
