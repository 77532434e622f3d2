/**
 * The local test issuer's RSA signing key and the JWKS that publishes its public half.
 *
 * Local only: the key signs test JWTs for the local run and the tests; it never signs anything a
 * deployed API accepts (a deployed JWT authorizer trusts its own user pool or issuer only).
 */
import {
  createPrivateKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomUUID,
} from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** The algorithm of every local test JWT. */
export const SIGNING_ALGORITHM = "RS256";

/** A signing key with its key id (`kid` in JWT headers and in the JWKS). */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** A public JWK as published in a JWKS. */
export type PublicJwk = JsonWebKey & { kid: string; alg: string; use: "sig" };

/**
 * Generates a new 2048-bit RSA signing key with a random key id.
 */
export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid: randomUUID(), privateKey };
}

/**
 * The key from `path` (a JSON file `{kid, privateKeyPem}`), generating and saving one (mode 0600)
 * when the file does not exist yet, so that the local run and the CLI sign with the same key.
 *
 * @example
 * ```ts
 * const key = loadOrCreateSigningKey(".local/jwt-issuer/signing-key.json");
 * ```
 */
export function loadOrCreateSigningKey(path: string): SigningKey {
  let text: string | undefined;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (text !== undefined) {
    const saved = JSON.parse(text) as { kid: string; privateKeyPem: string };
    return { kid: saved.kid, privateKey: createPrivateKey(saved.privateKeyPem) };
  }
  const key = generateSigningKey();
  const privateKeyPem = key.privateKey.export({ format: "pem", type: "pkcs8" }) as string;
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, JSON.stringify({ kid: key.kid, privateKeyPem }), { mode: 0o600, flag: "wx" });
  } catch (error) {
    // The local run and the CLI may both create it at once: whoever came second uses the first's key.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return loadOrCreateSigningKey(path);
    throw error;
  }
  chmodSync(path, 0o600);
  return key;
}

/**
 * The JWKS document publishing the public halves of `keys`.
 */
export function jwksDocument(keys: readonly SigningKey[]): { keys: PublicJwk[] } {
  return {
    keys: keys.map(({ kid, privateKey }) => {
      const { kty, n, e } = privateKey.export({ format: "jwk" });
      return { kty, n, e, kid, alg: SIGNING_ALGORITHM, use: "sig" };
    }),
  };
}
