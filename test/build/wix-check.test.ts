import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSite } from '../../scripts/lib/build';
import { checkWixTree, type Problem, type Rule } from '../../scripts/lib/wix-check';
import { goodProjectFiles, JOBS_CONFIG, removeDir, writeFiles, writeProject, type ProjectFiles } from './fixture-project';

let project = '';
let goodTree = '';
const created: string[] = [];

beforeAll(async () => {
  project = await writeProject(goodProjectFiles());
  const result = await buildSite({ root: project, outDir: path.join(project, 'dist'), sourcemaps: false });
  expect(result.errors).toEqual([]);
  goodTree = result.siteDir;
});

afterAll(async () => {
  await Promise.all([project, ...created].map(removeDir));
});

/** A copy of the good emitted tree with some files replaced (null = deleted). */
async function badTree(changes: Record<string, string | null>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wix-tree-'));
  created.push(dir);
  await fs.cp(goodTree, dir, { recursive: true });
  const writes: ProjectFiles = {};
  for (const [rel, text] of Object.entries(changes)) {
    if (text === null) await fs.rm(path.join(dir, rel));
    else writes[rel] = text;
  }
  await writeFiles(dir, writes);
  return dir;
}

const errors = (problems: Problem[], rule?: Rule): Problem[] => problems.filter((p) => p.severity === 'error' && (rule === undefined || p.rule === rule));
const messages = (problems: Problem[]): string => problems.map((p) => `${p.file}: ${p.message}`).join('\n');

async function read(rel: string): Promise<string> {
  return fs.readFile(path.join(goodTree, rel), 'utf8');
}

test('passes the emitted good tree, warning only about the 5-minute job', async () => {
  const problems = await checkWixTree(goodTree);
  expect(errors(problems)).toEqual([]);
  expect(problems.map((p) => p.rule)).toEqual(['jobs-interval']);
  expect(problems[0]?.message).toMatch(/premium plan/);
});

test('a missing tree is one clear error', async () => {
  const problems = await checkWixTree(path.join(os.tmpdir(), 'no-such-wix-tree'));
  expect(errors(problems)[0]?.message).toMatch(/run npm run build first/);
});

test('flags TypeScript, sourcemaps, HTML and files directly under src/', async () => {
  const dir = await badTree({
    'src/backend/helper.ts': 'export const x = 1;',
    'src/backend/greeting.web.js.map': '{}',
    'src/public/app.html': '<html></html>',
    'src/loose.js': 'export {}',
    'src/pages/Dashboard.js': 'export {}',
  });
  const problems = await checkWixTree(dir);
  const byFile = Object.fromEntries(errors(problems).map((p) => [p.file, p.rule]));
  expect(byFile).toEqual({
    'src/backend/helper.ts': 'file-type',
    'src/backend/greeting.web.js.map': 'file-type',
    'src/public/app.html': 'file-type',
    'src/loose.js': 'src-root',
    'src/pages/Dashboard.js': 'page-file',
  });
});

test('validates wix.config.json and package.json', async () => {
  const dir = await badTree({ 'wix.config.json': JSON.stringify({ siteId: 'not-a-uuid' }), 'package.json': null });
  const problems = await checkWixTree(dir);
  expect(messages(errors(problems, 'wix-config'))).toMatch(/siteId[\s\S]*uiVersion/);
  expect(messages(errors(problems, 'package-json'))).toMatch(/package\.json: missing/);
});

test('a bad jobs.config is reported through the tree check', async () => {
  const config = { jobs: [{ ...JOBS_CONFIG.jobs[1], executionConfig: { time: '25:00' } }] };
  const problems = await checkWixTree(await badTree({ 'src/backend/jobs.config': JSON.stringify(config) }));
  expect(messages(errors(problems, 'jobs-config'))).toMatch(/jobs\[0\]: time "25:00" must be "HH:MM"/);
});

test('21 jobs fail', async () => {
  const job = JOBS_CONFIG.jobs[1];
  const problems = await checkWixTree(await badTree({ 'src/backend/jobs.config': JSON.stringify({ jobs: Array.from({ length: 21 }, () => job) }) }));
  expect(messages(errors(problems, 'jobs-config'))).toMatch(/21 jobs; at most 20/);
});

test('a job whose module does not export functionName, or does not exist', async () => {
  const config = {
    jobs: [
      { functionLocation: '/jobs.js', functionName: 'sendReports', executionConfig: { time: '01:00' } },
      { functionLocation: '/nowhere.js', functionName: 'run', executionConfig: { time: '02:00' } },
    ],
  };
  const problems = await checkWixTree(await badTree({ 'src/backend/jobs.config': JSON.stringify(config) }));
  const text = messages(errors(problems, 'jobs-function'));
  expect(text).toMatch(/\/jobs\.js#sendReports: src\/backend\/jobs\.js does not export "sendReports"/);
  expect(text).toMatch(/src\/backend\/nowhere\.js is not in the emitted tree/);
});

test('an export of a .web.js that is not a web method', async () => {
  const web = await read('src/backend/greeting.web.js');
  const problems = await checkWixTree(await badTree({ 'src/backend/greeting.web.js': `${web}\nexport const helper = () => 42;\n` }));
  const found = errors(problems, 'web-method');
  expect(found).toHaveLength(1);
  expect(found[0]?.message).toMatch(/export "helper" is not a web method/);
});

test('web methods are recognised however the bundle names webMethod, and plain exports are caught', async () => {
  const source = [
    "import { webMethod as wm, Permissions as P } from 'wix-web-module';",
    "import { items } from '@wix/data';",
    'const client = items.query("Top").limit(1);',
    'const define = (fn) => wm(P.SiteMember, fn);',
    'const wrapped = define(async () => client);',
    'function plain() { return 1; }',
    'export { wrapped as fetchTop, plain as notAWebMethod };',
    'export default 3;',
  ].join('\n');
  const problems = await checkWixTree(await badTree({ 'src/backend/renamed.web.js': source }));
  const found = errors(problems, 'web-method').map((p) => p.message);
  expect(found).toHaveLength(2);
  expect(found.join('\n')).toMatch(/"notAWebMethod"/);
  expect(found.join('\n')).toMatch(/"default"/);
});

test('a web module that throws while loading is reported', async () => {
  const problems = await checkWixTree(await badTree({ 'src/backend/broken.web.js': "throw new Error('boom at load');\nexport const x = 1;" }));
  expect(messages(errors(problems, 'web-method'))).toMatch(/could not load the module[\s\S]*boom at load/);
});

test('an unknown bare import and a dependency missing from package.json', async () => {
  const pkg = JSON.parse(await read('package.json')) as { dependencies: Record<string, string> };
  delete pkg.dependencies['@wix/data'];
  const problems = await checkWixTree(
    await badTree({
      'package.json': JSON.stringify(pkg),
      'src/backend/extra.js': "import leftPad from 'left-pad';\nexport const pad = () => leftPad('x', 3);",
    }),
  );
  const text = messages(errors(problems, 'dependency'));
  expect(text).toMatch(/src\/backend\/extra\.js: bare import "left-pad" is not in package\.json dependencies/);
  expect(text).toMatch(/src\/backend\/jobs\.js: Wix SDK package "@wix\/data" is not in package\.json dependencies/);
});

test('dynamic imports, re-exports and relative imports are checked too', async () => {
  const problems = await checkWixTree(
    await badTree({
      'src/backend/more.js': [
        "export { thing } from 'mystery-lib';",
        "export async function load() { return import('another-lib'); }",
        "import { y } from './missing.js';",
        "import { readFile } from 'node:fs';",
        'export const z = [y, readFile];',
      ].join('\n'),
      'src/public/util.js': "import { readFile } from 'fs';\nexport const r = readFile;",
    }),
  );
  const text = messages(errors(problems));
  expect(text).toMatch(/"mystery-lib" is not in package\.json/);
  expect(text).toMatch(/"another-lib" is not in package\.json/);
  expect(text).toMatch(/import "\.\/missing\.js": does not resolve/);
  expect(text).not.toMatch(/node:fs/);
  expect(text).toMatch(/src\/public\/util\.js: import "fs": Node built-in imported by browser code/);
});

test('page code may import only existing web modules from backend', async () => {
  const problems = await checkWixTree(
    await badTree({
      'src/pages/Other.x1.js': "import { a } from 'backend/platform/data';\nimport { b } from 'backend/nope.web';\nconsole.log(a, b);",
      'src/backend/self.js': "import { c } from 'backend/greeting.web';\nexport const d = c;",
    }),
  );
  const text = messages(errors(problems, 'import'));
  expect(text).toMatch(/Other\.x1\.js: import "backend\/platform\/data": page and public code may import only web modules/);
  expect(text).toMatch(/Other\.x1\.js: import "backend\/nope\.web": no such web module/);
  expect(text).toMatch(/self\.js: import "backend\/greeting\.web": backend code/);
});

test('http-functions and data.js export names', async () => {
  const problems = await checkWixTree(
    await badTree({
      'src/backend/http-functions.js': 'export function get_health() {}\nexport function health() {}\nexport function patch_x() {}',
      'src/backend/data.js': 'export function Drivers_beforeInsert(i) { return i; }\nexport function Drivers_beforeSave(i) { return i; }\nexport const helper = 1;',
    }),
  );
  expect(errors(problems, 'http-functions').map((p) => p.message.split('"')[1])).toEqual(['health', 'patch_x']);
  expect(errors(problems, 'data-hooks').map((p) => p.message.split('"')[1])).toEqual(['Drivers_beforeSave', 'helper']);
});

test('a file that does not parse', async () => {
  const problems = await checkWixTree(await badTree({ 'src/public/bad.js': 'export const = ;' }));
  expect(errors(problems, 'syntax').map((p) => p.file)).toEqual(['src/public/bad.js']);
});
