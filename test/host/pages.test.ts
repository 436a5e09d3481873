import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { registerConsole } from '../../local/host/consoles';
import type { PageDef } from '../../local/host/pages-manifest';
import { readPagesManifest } from '../../local/host/pages-manifest';
import { wShimScript } from '../../local/host/static';
import { Permissions, webMethod } from '../../local/wix/web-module';
import { fakeSite, RECRUITER, startTestHost, type TestHost } from './helpers';

const dashboard: PageDef = {
  name: 'Recruiter_Dashboard',
  pageId: 'rdash',
  title: 'Outreach dashboard',
  path: '/recruiter-dashboard',
  elements: { '#pageTitle': { type: 'Text', text: 'Outreach dashboard' }, '#dashboardApp': { type: 'HtmlComponent', app: 'dashboard', height: 640 } },
};

describe('host pages', () => {
  let host: TestHost;
  let dir: string;
  let unregister: () => void;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-pages-'));
    fs.mkdirSync(path.join(dir, 'pages'));
    fs.mkdirSync(path.join(dir, 'apps'));
    fs.writeFileSync(path.join(dir, 'pages', 'Recruiter_Dashboard.rdash.js'), 'export {};\n');
    fs.writeFileSync(path.join(dir, 'apps', 'dashboard.html'), '<!doctype html><p>app</p>');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside');
    unregister = registerConsole({
      name: 'SMS simulator',
      path: '/_local/consoles/sms',
      description: 'a driver phone',
      handle: (_req, res) => {
        res.end('phone');
      },
    });
    host = await startTestHost(fakeSite({ webModules: { recruiterService: { getRecruiterContext: webMethod(Permissions.SiteMember, async () => 1) } } }), {
      pages: [dashboard],
      paths: { pagesDir: path.join(dir, 'pages'), appsDir: path.join(dir, 'apps'), siteDir: dir },
      seedStatus: () => 'seeded 200 drivers',
    });
  });
  afterAll(async () => {
    unregister();
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('home page links every recruiter page, sign-in, scheduler and registered consoles', async () => {
    const html = await (await fetch(`${host.base}/`)).text();
    expect(html).toContain('href="/recruiter-dashboard"');
    expect(html).toContain('href="/_local/signin"');
    expect(html).toContain('href="/_local/scheduler"');
    expect(html).toContain('href="/_local/consoles/sms"');
    expect(html).toContain('seeded 200 drivers');
    expect(await (await fetch(`${host.base}/_local/consoles/sms/inbox`)).text()).toBe('phone');
  });

  it('serves a Wix page: elements, sandboxed iframe, import map for web modules, $w shim, page code', async () => {
    const html = await (await fetch(`${host.base}/recruiter-dashboard`, { headers: { cookie: host.cookieFor(RECRUITER._id) } })).text();
    expect(html).toContain('data-wix-id="pageTitle"');
    expect(html).toMatch(/<iframe data-wix-id="dashboardApp"[^>]*src="\/_apps\/dashboard.html"[^>]*height="640"/);
    expect(html).not.toMatch(/sandbox="[^"]*allow-same-origin/);
    const importMap = /<script type="importmap">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}';
    expect(JSON.parse(importMap)).toEqual({ imports: { 'backend/recruiterService.web': '/_webMethods/modules/recruiterService.web.js', 'backend/recruiterService.web.js': '/_webMethods/modules/recruiterService.web.js' } });
    expect(html.indexOf(wShimScript().slice(0, 40))).toBeGreaterThan(html.indexOf('data-wix-id="dashboardApp"'));
    expect(html.indexOf('data-source="/_local/w.js"')).toBeLessThan(html.indexOf('/_pages/Recruiter_Dashboard.rdash.js'));
    expect(html).toContain('Rita Recruiter');
    expect((await fetch(`${host.base}/_pages/Recruiter_Dashboard.rdash.js`)).status).toBe(200);
    expect((await fetch(`${host.base}/_apps/dashboard.html`)).status).toBe(200);
    expect((await fetch(`${host.base}/_apps/..%2Fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${host.base}/no-such-page`)).status).toBe(404);
  });

  it('compiles the $w shim to a classic script', async () => {
    const res = await fetch(`${host.base}/_local/w.js`);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const source = await res.text();
    expect(source).toBe(wShimScript());
    expect(() => new vm.Script(source)).not.toThrow();
  });

  it('reads the repository wix.pages.json', () => {
    const pages = readPagesManifest(path.resolve(__dirname, '..', '..'));
    expect(pages.map((p) => p.name)).toContain('Recruiter_Dashboard');
  });
});
