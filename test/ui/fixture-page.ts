/**
 * A stand-in for the page code in view tests of an iframe app (`sms-campaigns` unless named):
 * serves the built app in a sandboxed iframe (opaque origin, as on the local host) under a parent page that answers
 * the app's calls from scripted answers, speaking the real protocol of src/public/messaging.ts.
 * Every call is recorded, so tests check what the app asked for as well as what it shows.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** The built single-file app (`npm run build`). */
export function appHtml(app: string): string {
  return path.resolve(__dirname, '..', '..', 'dist', 'iframe-apps', `${app}.html`);
}

export const APP_HTML = appHtml('sms-campaigns');

/** Answers by action (JSON values). Tests may replace one later through `window.answers`. */
export type Answers = Record<string, unknown>;

const parentPage = (answers: Answers, actions: readonly string[]): string => `<!doctype html>
<html><head><meta charset="utf-8"><title>fixture page</title>
<style>body{margin:0} iframe{border:0;width:100%;height:100vh}</style></head>
<body><iframe id="app" src="/app.html" sandbox="allow-scripts allow-forms allow-modals"></iframe>
<script>
const answers = window.answers = ${JSON.stringify(answers)};
window.calls = [];
const frame = document.getElementById('app');
window.addEventListener('message', (event) => {
  if (event.source !== frame.contentWindow) return;
  const m = event.data;
  if (!m || m.protocol !== 'recruiter-outreach/1') return;
  const post = (msg) => frame.contentWindow.postMessage({ protocol: 'recruiter-outreach/1', ...msg }, '*');
  if (m.type === 'ready') return post({ type: 'welcome', page: 'fixture', actions: ${JSON.stringify(actions)} });
  if (m.type !== 'call') return;
  window.calls.push({ action: m.action, args: m.args });
  if (!(m.action in answers)) return post({ type: 'error', id: m.id, error: 'Unknown action ' + m.action });
  post({ type: 'result', id: m.id, value: answers[m.action] });
});
</script></body></html>`;

export async function serveFixturePage(answers: Answers, actions: readonly string[], appName = 'sms-campaigns'): Promise<{ url: string; close: () => Promise<void> }> {
  const app = fs.readFileSync(appHtml(appName), 'utf8');
  const server = http.createServer((req, res) => {
    if (req.url === '/app.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(app);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(parentPage(answers, actions));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
