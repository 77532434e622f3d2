/**
 * Method request validation (`AWS::ApiGateway::RequestValidator`): required parameters first, then
 * the body against the draft-04 model chosen by Content-Type. Only methods with a validator are
 * validated; a model on RequestModels alone validates nothing (as on AWS).
 */
import AjvDraft04 from "ajv-draft-04";
import type { ApiModel, MethodModel } from "./api-model-types.js";
import { invalidTemplate } from "./errors.js";
import type { GatewayError } from "./gateway-responses.js";
import { type GatewayRequest, headerValue, requestMediaType } from "./request-context.js";

/** Validates requests of one API. */
export interface RequestValidator {
  /** The gateway error for an invalid request, or undefined when it may proceed. */
  validate(
    method: MethodModel,
    request: GatewayRequest,
    pathParameters: Record<string, string>,
  ): GatewayError | undefined;
}

type Validate = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string }[] | null;
};

/**
 * Compiles every model of the API (draft-04, models may `$ref` each other by their API Gateway
 * URL) and returns the validator; a schema that does not compile is refused at start-up.
 */
export function createRequestValidator(api: ApiModel): RequestValidator {
  // ajv-draft-04 is CommonJS: under NodeNext its class is the `default` of the default import.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
  const modelUrl = (name: string) => `https://apigateway.amazonaws.com/restapis/${api.apiId}/models/${name}`;
  for (const [name, model] of api.models) {
    const { id: _id, $schema: _schema, ...schema } = model.schema;
    ajv.addSchema(schema, modelUrl(name));
  }
  const validators = new Map<string, Validate>();
  for (const name of api.models.keys()) {
    try {
      validators.set(name, ajv.getSchema(modelUrl(name)) as Validate);
    } catch (error) {
      throw invalidTemplate(name, "Schema", {
        expected: "a draft-04 JSON schema",
        actual: (error as Error).message,
      });
    }
  }
  return {
    validate(method, request, pathParameters) {
      if (method.validateParameters) {
        const missing = missingParameters(method, request, pathParameters);
        if (missing.length > 0) {
          return {
            type: "BAD_REQUEST_PARAMETERS",
            message: `Missing required request parameters: [${missing.join(", ")}]`,
          };
        }
      }
      if (!method.validateBody) return undefined;
      const mediaType = requestMediaType(request);
      const modelName =
        Object.entries(method.requestModels).find(([type]) => type.toLowerCase() === mediaType)?.[1] ??
        method.requestModels.$default;
      // No model for this content type: API Gateway skips body validation.
      if (modelName === undefined) return undefined;
      const validate = validators.get(modelName) as Validate;
      let body: unknown;
      try {
        // An empty body is validated as `{}` (see README).
        body = request.body.trim() === "" ? {} : JSON.parse(request.body);
      } catch (error) {
        return invalidBody(`[${(error as Error).message}]`);
      }
      if (validate(body)) return undefined;
      const details = (validate.errors ?? []).map(
        (e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`,
      );
      return invalidBody(`[${details.join(", ")}]`);
    },
  };
}

function invalidBody(validationErrorString: string): GatewayError {
  return { type: "BAD_REQUEST_BODY", message: "Invalid request body", validationErrorString };
}

/** Required parameters that are absent or blank, headers first, then path, then query string. */
function missingParameters(
  method: MethodModel,
  request: GatewayRequest,
  pathParameters: Record<string, string>,
): string[] {
  const missing: string[] = [];
  for (const kind of ["header", "path", "querystring"] as const) {
    for (const [expression, required] of Object.entries(method.requestParameters)) {
      const name = new RegExp(`^method\\.request\\.${kind}\\.(.+)$`).exec(expression)?.[1];
      if (!required || name === undefined) continue;
      const value =
        kind === "header"
          ? headerValue(request, name)
          : kind === "path"
            ? pathParameters[name]
            : request.query[name];
      if (value === undefined || value.trim() === "") missing.push(name);
    }
  }
  return missing;
}
