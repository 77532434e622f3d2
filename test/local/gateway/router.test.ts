/**
 * Routing: literal over {param} over {proxy+}, exact verb over ANY, resources without methods.
 */
import { expect } from "chai";
import type { MethodModel } from "../../../local/gateway/api-model-types.js";
import { createRouter } from "../../../local/gateway/router.js";

const method = (httpMethod: string, resourcePath: string) =>
  ({ httpMethod, resourcePath, logicalId: `${httpMethod} ${resourcePath}` }) as MethodModel;

describe("local gateway: router", () => {
  const router = createRouter([
    method("GET", "/"),
    method("GET", "/user/{id}"),
    method("GET", "/user/me"),
    method("PUT", "/user"),
    method("ANY", "/files/{path+}"),
    method("GET", "/files/{path+}"),
    method("ANY", "/{proxy+}"),
  ]);
  const routed = (verb: string, path: string) => {
    const route = router.route(verb, path);
    return route && [route.method.logicalId, route.pathParameters];
  };

  it("routes the root, literals and parameters, decoding parameter values", () => {
    expect(routed("GET", "/")).to.deep.equal(["GET /", {}]);
    expect(routed("GET", "/user/me")).to.deep.equal(["GET /user/me", {}]);
    expect(routed("GET", "/user/a%20b")).to.deep.equal(["GET /user/{id}", { id: "a b" }]);
  });

  it("prefers the exact verb over ANY and lets greedy parameters take the rest of the path", () => {
    expect(routed("GET", "/files/a/b.txt")).to.deep.equal(["GET /files/{path+}", { path: "a/b.txt" }]);
    expect(routed("DELETE", "/files/a/b.txt")).to.deep.equal(["ANY /files/{path+}", { path: "a/b.txt" }]);
  });

  it("falls back to a greedy resource only where no more specific resource matches the path", () => {
    expect(routed("POST", "/other/x")).to.deep.equal(["ANY /{proxy+}", { proxy: "other/x" }]);
    // /user has methods, so a verb it lacks is not handed to /{proxy+}.
    expect(routed("PATCH", "/user")).to.equal(undefined);
    expect(routed("POST", "/user/7")).to.equal(undefined);
  });

  it("finds nothing without a greedy resource", () => {
    const small = createRouter([method("GET", "/a/{b}")]);
    expect(small.route("GET", "/a")).to.equal(undefined);
    expect(small.route("GET", "/a/1/2")).to.equal(undefined);
    expect(small.route("GET", "/a/")).to.equal(undefined);
  });
});
