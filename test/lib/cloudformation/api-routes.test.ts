import { expect } from "chai";
import { parseApiRoutes } from "../../../handlers/shared/api-routes.js";
import { ApigwTokenAuthError } from "../../../handlers/shared/errors.js";
import { apiRoutes, formatApiRoutes } from "../../../lib/cloudformation/api-routes.js";
import type { CloudFormationTemplate } from "../../../lib/cloudformation/load-template.js";
import { apiTemplate } from "../../support/template.js";

describe("lib/cloudformation/api-routes", () => {
  it("reads every method of the project's template with its full path", () => {
    const routes = apiRoutes(apiTemplate).map((route) => `${route.verb} /${route.path}`);
    expect(routes).to.include.members([
      "PUT /user",
      "GET /user/{id}",
      "DELETE /user/{id}",
      "GET /agent/tasks",
    ]);
    expect(routes).to.include("OPTIONS /user/{id}");
  });

  it("round-trips through the text built into bundles", () => {
    const routes = apiRoutes(apiTemplate);
    expect(parseApiRoutes(formatApiRoutes(routes))).to.deep.equal(routes);
    expect(parseApiRoutes(undefined)).to.equal(undefined);
    expect(parseApiRoutes("")).to.equal(undefined);
  });

  for (const text of ["not json", '{"GET /x": 1}', '["GET x"]', "[1]"]) {
    it(`refuses the built-in list ${JSON.stringify(text)} (a broken build fails at start-up)`, () => {
      expect(() => parseApiRoutes(text)).to.throw(ApigwTokenAuthError, "API_ROUTES is not a list of routes");
    });
  }

  it("refuses a resource whose parent cannot be followed to the API's root", () => {
    const template = {
      Resources: {
        Loop: { Type: "AWS::ApiGateway::Resource", Properties: { ParentId: { Ref: "Loop" }, PathPart: "x" } },
        Method: {
          Type: "AWS::ApiGateway::Method",
          Properties: { ResourceId: { Ref: "Loop" }, HttpMethod: "GET" },
        },
      },
    } as unknown as CloudFormationTemplate;
    expect(() => apiRoutes(template)).to.throw(ApigwTokenAuthError, "cannot follow Loop to the API's root");
    const orphan = {
      Resources: {
        Method: { Type: "AWS::ApiGateway::Method", Properties: { ResourceId: "abc", HttpMethod: "GET" } },
      },
    } as unknown as CloudFormationTemplate;
    expect(() => apiRoutes(orphan)).to.throw(ApigwTokenAuthError, "neither an API's root nor a Ref");
  });

  it("accepts the short GetAtt form for the root", () => {
    const template = {
      Resources: {
        Method: {
          Type: "AWS::ApiGateway::Method",
          Properties: { ResourceId: { "Fn::GetAtt": "Api.RootResourceId" }, HttpMethod: "get" },
        },
      },
    } as unknown as CloudFormationTemplate;
    expect(apiRoutes(template)).to.deep.equal([{ verb: "GET", path: "" }]);
  });
});
