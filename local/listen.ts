/**
 * Starting a local server on a port, with the one failure users hit (the port is taken) turned into
 * an error that says what to do.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApigwTokenAuthError } from "../handlers/shared/errors.js";

/**
 * Listens on `host:port` (0 = an ephemeral port) and resolves with the port actually bound; a
 * taken port rejects with an error naming the environment variable that moves it.
 */
export function listen(
  server: Server,
  host: string,
  port: number,
  names: { service: string; envVariable: string },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(error.code === "EADDRINUSE" ? portInUseError(names.service, port, names.envVariable) : error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/**
 * Closes a server, dropping idle keep-alive connections so that close does not wait for them.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

/** A port the local run wants is already taken: say what to do about it. */
export function portInUseError(service: string, port: number, envVariable: string): ApigwTokenAuthError {
  return new ApigwTokenAuthError(
    `port ${port} (${service}) is already in use: stop what is using it, or choose another port with ${envVariable}=<port>`,
    { expected: `a free port for ${service}`, actual: `port ${port} in use` },
  );
}
