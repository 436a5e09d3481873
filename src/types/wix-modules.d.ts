/**
 * Types for Velo's built-in modules, which are not npm packages (Wix provides them at run time).
 * Only what this project uses is declared, with the signatures of the Velo API reference.
 * `@wix/data`, `@wix/essentials` and `@wix/secrets` are real npm packages and bring their own types.
 */
declare module 'wix-web-module' {
  export const Permissions: { readonly Anyone: 'Anyone'; readonly SiteMember: 'SiteMember'; readonly Admin: 'Admin' };
  export type Permissions = 'Anyone' | 'SiteMember' | 'Admin';
  export interface WebMethodOptions {
    cache?: { tags: string[]; ttl?: number };
  }
  export function webMethod<F extends (...args: never[]) => unknown>(permission: Permissions, fn: F, options?: WebMethodOptions): F;
}

declare module 'wix-fetch' {
  export interface WixFetchRequest {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  export interface WixFetchResponse {
    readonly ok: boolean;
    readonly status: number;
    readonly statusText: string;
    readonly url: string;
    readonly headers: { get(name: string): string | null };
    json(): Promise<unknown>;
    text(): Promise<string>;
  }
  export function fetch(url: string, options?: WixFetchRequest): Promise<WixFetchResponse>;
}

declare module 'wix-http-functions' {
  export interface WixHttpFunctionRequestBody {
    text(): Promise<string>;
    json(): Promise<unknown>;
    buffer(): Promise<Buffer>;
  }
  export interface WixHttpFunctionRequest {
    readonly method: string;
    readonly path: string[];
    readonly query: Record<string, string>;
    readonly headers: Record<string, string>;
    readonly url: string;
    readonly baseUrl: string;
    readonly functionName: string;
    readonly ip: string;
    readonly body: WixHttpFunctionRequestBody;
  }
  export type WixHttpFunctionBody = string | Buffer | object;
  export interface WixHttpFunctionResponseOptions {
    body?: WixHttpFunctionBody;
    headers?: Record<string, string>;
  }
  export interface WixHttpFunctionResponse {
    status: number;
    body?: WixHttpFunctionBody;
    headers?: Record<string, string>;
  }
  export function ok(options?: WixHttpFunctionResponseOptions): WixHttpFunctionResponse;
  export function created(options?: WixHttpFunctionResponseOptions): WixHttpFunctionResponse;
  export function badRequest(options?: WixHttpFunctionResponseOptions): WixHttpFunctionResponse;
  export function forbidden(options?: WixHttpFunctionResponseOptions): WixHttpFunctionResponse;
  export function notFound(options?: WixHttpFunctionResponseOptions): WixHttpFunctionResponse;
  export function serverError(options?: WixHttpFunctionResponseOptions): WixHttpFunctionResponse;
  export function response(options: WixHttpFunctionResponseOptions & { status: number }): WixHttpFunctionResponse;
}

declare module 'wix-members-backend' {
  export interface Member {
    _id: string;
    loginEmail?: string;
    contactDetails?: { firstName?: string; lastName?: string };
  }
  export interface MemberRole {
    _id: string;
    title: string;
    description?: string;
  }
  export const currentMember: {
    getMember(options?: { fieldsets?: string[] }): Promise<Member | undefined>;
    getRoles(): Promise<MemberRole[]>;
  };
}
