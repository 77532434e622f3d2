import { createPublicKey, verify } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { mintJwt } from "../../../lib/jwt/mint-jwt.js";
import { generateSigningKey, jwksDocument, loadOrCreateSigningKey } from "../../../lib/jwt/signing-key.js";

describe("lib/jwt/signing-key and mint-jwt", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "jwt-issuer-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("saves a new key readable by its owner only and loads the same key again", () => {
    const path = join(dir, "nested", "signing-key.json");
    const created = loadOrCreateSigningKey(path);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    const loaded = loadOrCreateSigningKey(path);
    expect(loaded.kid).to.equal(created.kid);
    expect(jwksDocument([loaded])).to.deep.equal(jwksDocument([created]));
  });

  it("publishes only the public half, marked for RS256 signatures", () => {
    const [jwk] = jwksDocument([generateSigningKey()]).keys;
    expect(jwk).to.have.keys(["kty", "n", "e", "kid", "alg", "use"]);
    expect(jwk).to.include({ kty: "RSA", alg: "RS256", use: "sig" });
  });

  it("mints a compact JWT whose signature the published key verifies", () => {
    const key = generateSigningKey();
    const jwt = mintJwt(key, { sub: "alice" });
    const [header, payload, signature] = jwt.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).to.deep.equal({
      alg: "RS256",
      typ: "JWT",
      kid: key.kid,
    });
    expect(JSON.parse(Buffer.from(payload, "base64url").toString())).to.deep.equal({ sub: "alice" });
    const publicKey = createPublicKey({ key: jwksDocument([key]).keys[0] as never, format: "jwk" });
    const ok = verify(
      "sha256",
      Buffer.from(`${header}.${payload}`),
      publicKey,
      Buffer.from(signature, "base64url"),
    );
    expect(ok).to.equal(true);
  });
});
