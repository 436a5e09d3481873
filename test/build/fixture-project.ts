/**
 * A small site project written to a temp dir for the build tests: its own src/, wix.config.json,
 * wix.pages.json and package.json; node_modules is a symlink to the repo's so esbuild finds zod.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export type ProjectFiles = Record<string, string>;

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export const JOBS_CONFIG = {
  jobs: [
    { functionLocation: '/jobs.js', functionName: 'runDrips', description: 'drip steps', executionConfig: { cronExpression: '*/5 * * * *' } },
    { functionLocation: '/maintenance/cleanup.js', functionName: 'cleanup', executionConfig: { time: '03:00', dayOfWeek: 'Sunday' } },
  ],
};

export function goodProjectFiles(): ProjectFiles {
  return {
    'package.json': json({
      name: 'fixture-site',
      private: true,
      scripts: { build: 'tsx scripts/build.ts' },
      dependencies: { '@wix/data': '^1.0.521', '@wix/secrets': '^1.0.70', twilio: '^6.2.0', '@sendgrid/mail': '^8.1.6', zod: '^4.6.7' },
      devDependencies: { esbuild: '^0.25.12', 'left-pad': '^1.3.0' },
    }),
    'wix.config.json': json({ siteId: '11111111-2222-4333-8444-555555555555', uiVersion: '7' }),
    'wix.pages.json': json({
      pages: {
        Dashboard: {
          pageId: 'abc12',
          title: 'Dashboard',
          path: '/dashboard',
          elements: { '#app': { type: 'HtmlComponent', app: 'hello' } },
        },
      },
    }),
    'src/backend/lib/greet.ts': [
      "import { z } from 'zod';",
      'export const NameSchema = z.string().min(1);',
      'export function greet(name: string): string {',
      '  return `Hello, ${NameSchema.parse(name)}`;',
      '}',
    ].join('\n'),
    'src/backend/greeting.web.ts': [
      "import { Permissions, webMethod } from 'wix-web-module';",
      "import { greet } from './lib/greet';",
      'export const sayHello = webMethod(Permissions.Anyone, async (name: string) => greet(name));',
      "export const adminHello = webMethod(Permissions.Admin, async () => greet('admin'));",
    ].join('\n'),
    'src/backend/platform/data.ts': [
      "import { items } from '@wix/data';",
      "export async function countDrivers(): Promise<number> { return items.query('Drivers').count(); }",
    ].join('\n'),
    'src/backend/http-functions.ts': [
      "import { ok, badRequest } from 'wix-http-functions';",
      "import { validateRequest } from 'twilio';",
      "export function get_health() { return ok({ body: { status: 'ok' } }); }",
      'export function post_sms(request: { headers: Record<string, string> }) {',
      "  return validateRequest('token', request.headers['x-twilio-signature'] ?? '', 'https://x', {}) ? ok() : badRequest();",
      '}',
    ].join('\n'),
    'src/backend/jobs.config': json(JOBS_CONFIG),
    'src/backend/jobs.ts': [
      "import { countDrivers } from 'backend/platform/data';",
      'export async function runDrips(): Promise<number> { return countDrivers(); }',
    ].join('\n'),
    'src/backend/maintenance/cleanup.ts': 'export async function cleanup(): Promise<void> {}',
    'src/backend/data.ts': 'export function Drivers_beforeInsert(item: { name: string }) { return item; }',
    'src/backend/lib/greet.test.ts': "test('not built', () => undefined);",
    'src/pages/Dashboard.ts': [
      "import { sayHello } from 'backend/greeting.web';",
      "import { parseMessage } from 'public/protocol';",
      '$w.onReady(() => {',
      "  const app = $w('#app');",
      '  app.onMessage(async (event: { data: unknown }) => {',
      '    const message = parseMessage(event.data);',
      '    if (message !== null) app.postMessage(await sayHello(message.name));',
      '  });',
      '});',
    ].join('\n'),
    'src/pages/masterPage.ts': "console.log('site ready');",
    'src/public/protocol.ts': [
      "import { z } from 'zod';",
      "const Message = z.object({ type: z.literal('hello'), name: z.string() });",
      'export function parseMessage(data: unknown): { type: "hello"; name: string } | null {',
      '  const parsed = Message.safeParse(data);',
      '  return parsed.success ? parsed.data : null;',
      '}',
    ].join('\n'),
    'src/public/apps/hello/index.html': [
      '<!doctype html>',
      '<html><head><meta charset="utf-8"><title>Hello</title>',
      '<link rel="stylesheet" href="./style.css">',
      '</head><body><div id="out"></div>',
      '<script type="module" src="./main.js"></script>',
      '</body></html>',
    ].join('\n'),
    'src/public/apps/hello/main.ts': [
      "import { parseMessage } from 'public/protocol';",
      "const marker = 'end tag </script> inside a string';",
      "const out = document.getElementById('out');",
      'if (out !== null) out.textContent = marker;',
      "window.addEventListener('message', (event) => console.log(parseMessage(event.data)));",
      "window.parent.postMessage({ type: 'ready' }, '*');",
    ].join('\n'),
    'src/public/apps/hello/style.css': 'body { color: #123456; }\n',
  };
}

export async function writeProject(files: ProjectFiles): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'site-fixture-'));
  await fs.symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  await writeFiles(dir, files);
  return dir;
}

export async function writeFiles(dir: string, files: ProjectFiles): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
}

export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}
