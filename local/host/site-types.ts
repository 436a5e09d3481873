/** What the host needs from the site's emitted backend (dist/wix-site) — injectable for tests. */
export type ModuleExports = Readonly<Record<string, unknown>>;

export interface SiteModules {
  /** `backend/http-functions.js`, or null when the site has none. */
  httpFunctions(): Promise<ModuleExports | null>;
  /** Web module names without the suffix: `recruiterService` for `backend/recruiterService.web.js`. */
  webModuleNames(): readonly string[];
  webModule(name: string): Promise<ModuleExports | null>;
  /** A backend file by its `jobs.config` `functionLocation` (e.g. `/jobs.js`). */
  backendFile(location: string): Promise<ModuleExports | null>;
}
