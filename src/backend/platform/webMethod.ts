/** Web-method declaration (`backend/<name>.web.js` exports) and http-function helpers. */
export { Permissions, webMethod } from 'wix-web-module';
export { badRequest, created, forbidden, notFound, ok, response, serverError } from 'wix-http-functions';
export type { WixHttpFunctionRequest, WixHttpFunctionResponse } from 'wix-http-functions';
