import { promises as fs } from 'node:fs';
import path from 'node:path';
import { buildSite, type BuildResult } from '../../scripts/lib/build';
import { inlineApp } from '../../scripts/lib/build/iframe-apps';
import { goodProjectFiles, removeDir, writeProject, type ProjectFiles } from './fixture-project';

const created: string[] = [];

async function build(files: ProjectFiles): Promise<{ dir: string; result: BuildResult }> {
  const dir = await writeProject(files);
  created.push(dir);
  const result = await buildSite({ root: dir, outDir: path.join(dir, 'dist') });
  return { dir, result };
}

afterAll(async () => {
  await Promise.all(created.map(removeDir));
});

describe('buildSite on a good fixture project', () => {
  let dir = '';
  let result: BuildResult;
  const read = (rel: string): Promise<string> => fs.readFile(path.join(dir, 'dist', rel), 'utf8');

  beforeAll(async () => {
    ({ dir, result } = await build(goodProjectFiles()));
  });

  test('succeeds and emits exactly the Wix tree files, JavaScript only', () => {
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
    const site = result.files.map((f) => f.path).filter((p) => p.startsWith('wix-site/'));
    expect(site).toEqual([
      'wix-site/package.json',
      'wix-site/src/backend/data.js',
      'wix-site/src/backend/greeting.web.js',
      'wix-site/src/backend/http-functions.js',
      'wix-site/src/backend/jobs.config',
      'wix-site/src/backend/jobs.js',
      'wix-site/src/backend/maintenance/cleanup.js',
      'wix-site/src/pages/Dashboard.abc12.js',
      'wix-site/src/pages/masterPage.js',
      'wix-site/src/public/protocol.js',
      'wix-site/wix.config.json',
    ]);
    expect(site.filter((p) => /\.(ts|map|html)$/.test(p))).toEqual([]);
  });

  test('puts sourcemaps outside the Wix tree', () => {
    const maps = result.files.map((f) => f.path).filter((p) => p.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    expect(maps.every((p) => p.startsWith('sourcemaps/'))).toBe(true);
  });

  test('keeps Wix modules, provider SDKs and shared backend libraries external and bundles everything else', async () => {
    const web = await read('wix-site/src/backend/greeting.web.js');
    expect(web).toMatch(/from "wix-web-module"/);
    // zod is shared by every backend file: Wix installs it once instead of a copy per file.
    expect(web).toMatch(/from "zod"/);
    expect(web).not.toMatch(/from "\.\/lib\/greet"/);
    expect(web).toContain('Hello, ');
    expect(await read('wix-site/src/backend/http-functions.js')).toMatch(/from "twilio"/);
    const jobs = await read('wix-site/src/backend/jobs.js');
    expect(jobs).toMatch(/from "@wix\/data"/);
    expect(jobs).not.toMatch(/from "backend\//);
    expect(jobs).toContain('async function countDrivers');
    expect(jobs).toMatch(/export\s*\{[^}]*runDrips/);
  });

  test('page code keeps backend/<name>.web imports for Wix and bundles public modules', async () => {
    const page = await read('wix-site/src/pages/Dashboard.abc12.js');
    expect(page).toMatch(/from "backend\/greeting\.web"/);
    expect(page).not.toMatch(/from "public\/protocol"/);
    expect(page).not.toMatch(/from "zod"/);
  });

  test('package.json lists only the externals the emitted code imports, at the root versions', async () => {
    const pkg = JSON.parse(await read('wix-site/package.json')) as Record<string, unknown>;
    const dependencies = { '@wix/data': '^1.0.521', twilio: '^6.2.0', zod: expect.stringMatching(/^\^?\d/) };
    expect(pkg).toEqual({ name: 'fixture-site', private: true, dependencies });
    expect(result.dependencies).toEqual(dependencies);
  });

  test('copies wix.config.json and jobs.config verbatim', async () => {
    expect(await read('wix-site/wix.config.json')).toBe(goodProjectFiles()['wix.config.json']);
    expect(await read('wix-site/src/backend/jobs.config')).toBe(goodProjectFiles()['src/backend/jobs.config']);
  });

  test('emits each iframe app as one self-contained HTML file plus its JS', async () => {
    const html = await read('iframe-apps/hello.html');
    expect(html).toContain('<script type="module">');
    expect(html).not.toMatch(/src="\.\/main\.js"/);
    expect(html).not.toMatch(/href="\.\/style\.css"/);
    expect(html).toContain('#123456');
    expect(html).toContain('end tag <\\/script> inside a string');
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).not.toMatch(/\bimport\s*[{*"']/);
    expect(await read('iframe-apps/hello.js')).toContain('postMessage');
  });

  test('cleans the previous output', async () => {
    await fs.writeFile(path.join(dir, 'dist/wix-site/src/backend/stale.js'), 'export {}');
    const again = await buildSite({ root: dir, outDir: path.join(dir, 'dist') });
    expect(again.ok).toBe(true);
    await expect(fs.access(path.join(dir, 'dist/wix-site/src/backend/stale.js'))).rejects.toThrow();
  });
});

describe('buildSite errors', () => {
  test('a page file without a wix.pages.json entry', async () => {
    const { result } = await build({ ...goodProjectFiles(), 'src/pages/Orphan.ts': "console.log('x');" });
    expect(result.ok).toBe(false);
    expect(result.errors.join('\n')).toMatch(/src\/pages\/Orphan\.ts: no entry "Orphan" in wix\.pages\.json/);
  });

  test('page code importing a backend module that is not a web module', async () => {
    const files = goodProjectFiles();
    files['src/pages/Dashboard.ts'] = "import { countDrivers } from 'backend/platform/data';\nconsole.log(countDrivers);";
    const { result } = await build(files);
    expect(result.errors.join('\n')).toMatch(/may import only web modules/);
  });

  test('an external that is only a devDependency or not declared', async () => {
    const files = goodProjectFiles();
    files['src/backend/http-functions.ts'] = "import sg from '@sendgrid/client';\nexport function get_x() { return sg; }";
    const { result } = await build(files);
    expect(result.errors.join('\n')).toMatch(/imports @sendgrid\/client, which is not in package.json "dependencies"/);
  });

  test('a jobs.config functionLocation without a source module', async () => {
    const files = goodProjectFiles();
    files['src/backend/jobs.config'] = JSON.stringify({ jobs: [{ functionLocation: '/missing.js', functionName: 'x', executionConfig: { time: '01:00' } }] });
    const { result } = await build(files);
    expect(result.errors.join('\n')).toMatch(/functionLocation \/missing\.js has no source src\/backend\/missing\.ts/);
  });

  test('a syntax error is reported with its location', async () => {
    const files = goodProjectFiles();
    files['src/backend/data.ts'] = 'export function Drivers_beforeInsert( {';
    const { result } = await build(files);
    expect(result.ok).toBe(false);
    expect(result.errors.join('\n')).toMatch(/src\/backend\/data\.ts:1:/);
  });
});

describe('helpers', () => {
  test('inlineApp rejects local references it cannot carry', () => {
    expect(() => inlineApp({ template: '<img src="logo.png">', js: '', css: '', htmlPath: 'x/index.html' })).toThrow(/logo\.png/);
    expect(inlineApp({ template: '<html><head></head><body></body></html>', js: 'a$&b', css: 'p{}', htmlPath: 'x' })).toBe(
      '<html><head><style>\np{}</style>\n</head><body><script type="module">\na$&b</script>\n</body></html>',
    );
  });
});
