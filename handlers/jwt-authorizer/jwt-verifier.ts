/**
 * The JWT check itself, done by aws-jwt-verify: signature against the issuer's JWKS, issuer, expiry
 * (and not-before), client or audience, token use. Create one verifier per container: it keeps the
 * JWKS in memory and downloads it again only for a `kid` it has not seen (key rotation), at most
 * once per 10 seconds.
 *
 * Errors are sorted into two kinds, because API Gateway answers them differently:
 * - the token is bad (malformed, bad signature, unknown key, expired, wrong issuer/audience/client/
 *   token use) → {@link UnauthorizedError} → 401;
 * - the issuer's keys cannot be had (JWKS download failed, JWKS malformed) →
 *   an ApigwTokenAuthError → 500; anything unexpected stays as it is → 500. Never Allow.
 */
import { CognitoJwtVerifier, JwtVerifier } from "aws-jwt-verify";
import {
  FailedAssertionError,
  FetchError,
  JwksValidationError,
  JwkValidationError,
  JwtInvalidSignatureError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from "aws-jwt-verify/error";
import type { Fetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import type { JwtPayload } from "aws-jwt-verify/jwt-model";
import { ApigwTokenAuthError, UnauthorizedError } from "../shared/errors.js";
import { JwksFetcher } from "./jwks-fetcher.js";
import type { JwtIssuerConfig } from "./jwt-config.js";

/** Verifies one JWT and resolves to its payload, or rejects as described in the module comment. */
export type VerifyJwt = (jwt: string) => Promise<JwtPayload>;

/** Errors that mean "this token is not acceptable" rather than "the verifier cannot work". */
const TOKEN_ERRORS = [
  JwtParseError,
  JwtInvalidSignatureError,
  // Wrong algorithm, issuer, audience, client, token use, expiry, not-before, key use/type.
  FailedAssertionError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  // An unknown kid again within the 10 s after a JWKS download did not have it.
  WaitPeriodNotYetEndedJwkError,
  // The verifier's own parameters are checked when it is created (a bad one fails the cold start),
  // so while verifying this comes from the token: an `iss` the verifier was not configured for.
  ParameterValidationError,
];

/** Errors that mean the issuer's keys are not available. */
const JWKS_ERRORS = [FetchError, JwksValidationError, JwkValidationError];

/**
 * Creates the verifier for an issuer configuration. `fetcher` downloads the JWKS (replaceable for
 * tests; the default speaks https, and http on the loopback interface).
 *
 * @example
 * ```ts
 * const verify = createJwtVerifier({ kind: "cognito", userPoolId: "eu-west-1_abc", clientId: "123",
 *   tokenUse: "access" });
 * declare const jwt: string;
 * const payload = await verify(jwt); // or throws UnauthorizedError, or an error when the JWKS is unavailable
 * ```
 */
export function createJwtVerifier(config: JwtIssuerConfig, fetcher: Fetcher = new JwksFetcher()): VerifyJwt {
  const jwksCache = new SimpleJwksCache({ fetcher });
  // aws-jwt-verify checks `exp` only when present; a token that never expires is not accepted here.
  const customJwtCheck = ({ payload }: { payload: JwtPayload }) => {
    if (typeof payload.exp !== "number") throw new UnauthorizedError("token has no exp claim");
    if (typeof payload.sub !== "string" || payload.sub === "")
      throw new UnauthorizedError("token has no sub claim");
    if (config.kind === "issuer" && config.tokenUse !== undefined && payload.token_use !== config.tokenUse) {
      throw new UnauthorizedError(`token_use is not ${config.tokenUse}`);
    }
  };
  const verifier =
    config.kind === "cognito"
      ? CognitoJwtVerifier.create(
          {
            userPoolId: config.userPoolId,
            clientId: config.clientId,
            tokenUse: config.tokenUse,
            customJwtCheck,
          },
          { jwksCache },
        )
      : JwtVerifier.create(
          { issuer: config.issuer, jwksUri: config.jwksUri, audience: config.audience, customJwtCheck },
          { jwksCache },
        );

  return async function verify(jwt: string): Promise<JwtPayload> {
    try {
      return await verifier.verify(jwt);
    } catch (error) {
      if (error instanceof UnauthorizedError) throw error;
      if (TOKEN_ERRORS.some((type) => error instanceof type)) {
        throw new UnauthorizedError((error as Error).message);
      }
      if (JWKS_ERRORS.some((type) => error instanceof type)) {
        throw new ApigwTokenAuthError("the issuer's JWKS is unavailable", {
          expected: "a JWKS document from the issuer's JWKS URL",
          actual: (error as Error).message,
          cause: error,
        });
      }
      throw error;
    }
  };
}
