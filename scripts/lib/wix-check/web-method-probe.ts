/**
 * Child-process entry (bundled by web-methods.ts): imports each prepared web module and reports,
 * for every export, the permission its `webMethod` annotation carries (null = not a web method).
 */
import { pathToFileURL } from 'node:url';
import { webMethodAnnotation } from '../../../local/wix/web-module';

export interface ProbeRequest {
  readonly file: string;
  readonly bundle: string;
}

export interface ProbedExport {
  readonly name: string;
  readonly permission: string | null;
}

export type ProbeResult =
  | { readonly file: string; readonly ok: true; readonly exports: ProbedExport[] }
  | { readonly file: string; readonly ok: false; readonly error: string };

function isRequest(value: unknown): value is ProbeRequest {
  return typeof value === 'object' && value !== null && 'file' in value && 'bundle' in value && typeof value.file === 'string' && typeof value.bundle === 'string';
}

async function probe(request: ProbeRequest): Promise<ProbeResult> {
  try {
    const namespace = (await import(pathToFileURL(request.bundle).href)) as Record<string, unknown>;
    const exports = Object.keys(namespace).map((name) => ({ name, permission: webMethodAnnotation(namespace[name])?.permission ?? null }));
    return { file: request.file, ok: true, exports };
  } catch (error) {
    return { file: request.file, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

async function main(): Promise<void> {
  const parsed = JSON.parse(process.argv[2] ?? '[]') as unknown;
  const requests = Array.isArray(parsed) ? parsed.filter(isRequest) : [];
  const results: ProbeResult[] = [];
  for (const request of requests) results.push(await probe(request));
  process.stdout.write(`${JSON.stringify(results)}\n`, () => process.exit(0));
}

void main();
