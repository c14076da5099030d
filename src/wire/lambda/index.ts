/** The Lambda REST-JSON protocol, as the endpoint uses it. */
export { handleLambda, type LambdaServices } from "./handler.js";
export { lambdaError } from "./errors.js";
export { isLambdaPath, lambdaBodyLimit } from "./routes.js";
