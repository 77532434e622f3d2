/**
 * Minting test JWTs (RS256, compact serialisation) with the local test issuer's key.
 */
import { sign } from "node:crypto";
import { SIGNING_ALGORITHM, type SigningKey } from "./signing-key.js";

/** JWT claims: any JSON values. */
export type JwtClaims = Record<string, unknown>;

/**
 * Signs `claims` with `key`. `header` overrides header fields (tests use it for a foreign `kid`).
 */
export function mintJwt(key: SigningKey, claims: JwtClaims, header: Record<string, unknown> = {}): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signingInput = `${encode({ alg: SIGNING_ALGORITHM, typ: "JWT", kid: key.kid, ...header })}.${encode(claims)}`;
  const signature = sign("sha256", Buffer.from(signingInput), key.privateKey).toString("base64url");
  return `${signingInput}.${signature}`;
}
