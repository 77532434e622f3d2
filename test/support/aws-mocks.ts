/**
 * The one way tests mock AWS SDK clients (aws-sdk-client-mock): {@link useAwsMocks} installs the
 * stubs when the enclosing suite starts, resets them before each test and restores them when the
 * suite ends, so a stub on a client class's prototype never reaches another test file. Also the
 * error shape the SDK throws.
 */
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";

/** A client class (every instance is mocked) or one client instance. */
type MockTarget = Parameters<typeof mockClient>[0];
type StubOf<T> = T extends { prototype: infer C extends MockTarget }
  ? AwsClientStub<C>
  : T extends MockTarget
    ? AwsClientStub<T>
    : never;

/**
 * Mocks each target for the enclosing `describe`. The stubs exist once the suite has started: read
 * them off the returned object inside hooks and tests (`aws.s3.on(...)`), not at describe time.
 *
 * @example
 * ```ts
 * import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
 *
 * describe("upload", () => {
 *   const aws = useAwsMocks({ s3: S3Client });
 *   it("skips a present key", async () => {
 *     aws.s3.on(HeadObjectCommand).resolves({});
 *   });
 * });
 * ```
 */
export function useAwsMocks<T extends Record<string, MockTarget>>(
  targets: T,
): { [K in keyof T]: StubOf<T[K]> } {
  const stubs: Record<string, ReturnType<typeof mockClient>> = {};
  before(() => {
    for (const [name, target] of Object.entries(targets)) stubs[name] = mockClient(target);
  });
  beforeEach(() => {
    for (const stub of Object.values(stubs)) stub.reset();
  });
  after(() => {
    for (const stub of Object.values(stubs)) stub.restore();
  });
  return stubs as unknown as { [K in keyof T]: StubOf<T[K]> };
}

/** An AWS error as the SDK throws it: callers test its name and, for HEAD requests, the status. */
export function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}
