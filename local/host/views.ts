/** HTML for the host's own pages: layout, home, sign-in and the Wix page host. */
import type { LocalMember } from '../runtime';
import { escapeHtml as h, jsonForScript } from './http-util';
import type { ConsoleRegistration } from './consoles';
import { pageCodeFile, type PageDef } from './pages-manifest';

const STYLE = `
:root{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2933}
body{margin:0;background:#f5f7fa}
.local-bar{display:flex;gap:16px;align-items:center;padding:8px 16px;background:#102a43;color:#f0f4f8;font-size:14px}
.local-bar a{color:#9fb3c8}.local-bar .spacer{flex:1}
main.local{max-width:960px;margin:24px auto;padding:0 16px}
main.local section{background:#fff;border-radius:8px;padding:16px 20px;margin-bottom:16px;box-shadow:0 1px 2px #0001}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #e4e7eb;font-size:14px;vertical-align:top}
button{cursor:pointer}.muted{color:#616e7c}.ok{color:#0e7c3a}.error{color:#b42318}
#wix-page{max-width:1100px;margin:16px auto;padding:0 16px}
#wix-page iframe{width:100%;border:1px solid #d9e2ec;border-radius:8px;background:#fff;display:block}
#wix-page .wix-text{font-size:1.6rem;font-weight:600;margin:8px 0 12px}
`;

export function localBar(member: LocalMember | null, returnTo: string): string {
  const who = member ? `Signed in as <strong>${h(displayName(member))}</strong> (${h(member.roles.join(', ') || 'member')})` : 'Not signed in (anonymous visitor)';
  return `<header class="local-bar"><a href="/">Local Wix host</a><span class="spacer"></span><span id="local-member">${who}</span>
<a href="/_local/signin?returnTo=${encodeURIComponent(returnTo)}">${member ? 'Switch member' : 'Sign in'}</a></header>`;
}

export function layout(options: { title: string; member: LocalMember | null; returnTo: string; body: string; head?: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(options.title)}</title><style>${STYLE}</style>${options.head ?? ''}</head>
<body>${localBar(options.member, options.returnTo)}${options.body}</body></html>`;
}

export function displayName(m: LocalMember): string {
  const name = `${m.firstName} ${m.lastName}`.trim();
  return name === '' ? m.loginEmail : name;
}

export interface HomeView {
  readonly pages: readonly PageDef[];
  readonly consoles: readonly ConsoleRegistration[];
  readonly member: LocalMember | null;
  readonly seeding: string;
  readonly strict: boolean;
  readonly secrets: readonly { name: string; source: string }[];
}

export function homePage(view: HomeView): string {
  const pages = view.pages.map((p) => `<li><a href="${h(p.path)}">${h(p.title)}</a> <span class="muted">${h(p.path)} · page code ${h(pageCodeFile(p))}</span></li>`).join('');
  const consoles =
    view.consoles.length === 0
      ? '<p class="muted">No simulator consoles are registered yet.</p>'
      : `<ul>${view.consoles.map((c) => `<li><a href="${h(c.path)}">${h(c.name)}</a> — ${h(c.description)}</li>`).join('')}</ul>`;
  const secrets = view.secrets.map((s) => `<tr><td><code>${h(s.name)}</code></td><td>${h(s.source)}</td></tr>`).join('');
  const body = `<main class="local">
<section><h1>Recruiter Outreach — local Wix host</h1>
<p>The same compiled site code that deploys to Wix (<code>dist/wix-site</code>), running on emulated Wix APIs.
Mode: <strong>${view.strict ? 'strict (Wix limits enforced)' : 'relaxed'}</strong>. Demo data: <span id="seed-status">${h(view.seeding)}</span>.</p></section>
<section><h2>Recruiter pages</h2><ul id="recruiter-pages">${pages}</ul>
<p class="muted">Pages call web methods as the signed-in member: <a href="/_local/signin">sign in as a recruiter or the admin</a>.</p></section>
<section><h2>Developer tools</h2><ul>
<li><a href="/_local/signin">Sign in</a> — act as any seeded recruiter or the site admin</li>
<li><a href="/_local/scheduler">Scheduler</a> — jobs.config: next runs, history, run a job now, clock speed</li>
<li><a href="/_functions/health">/_functions/health</a> — the site's health http function</li></ul></section>
<section><h2>Simulator consoles</h2>${consoles}</section>
<section><h2>Secrets</h2><p class="muted">Names and where each value comes from (values are never shown).</p><table>${secrets}</table></section>
</main>`;
  return layout({ title: 'Local Wix host', member: view.member, returnTo: '/', body });
}

export function signInPage(options: { members: readonly LocalMember[]; member: LocalMember | null; returnTo: string; note: string | null }): string {
  const rows = options.members
    .map(
      (m) => `<tr><td>${h(displayName(m))}</td><td>${h(m.loginEmail)}</td><td>${h(m.roles.join(', '))}</td>
<td><form method="post" action="/_local/signin"><input type="hidden" name="memberId" value="${h(m._id)}"><input type="hidden" name="returnTo" value="${h(options.returnTo)}">
<button type="submit" data-member-id="${h(m._id)}">Sign in as ${h(displayName(m))}</button></form></td></tr>`,
    )
    .join('');
  const list = options.members.length === 0 ? `<p class="error">${h(options.note ?? 'No members are known yet.')}</p>` : `<table><tr><th>Name</th><th>Email</th><th>Roles</th><th></th></tr>${rows}</table>`;
  const body = `<main class="local"><section><h1>Sign in (local)</h1>
<p class="muted">Choose who you are. The host keeps the member in an HttpOnly cookie; web methods see them through
<code>wix-members-backend</code> and their <code>Permissions</code> are checked against their roles.</p>${list}
<form method="post" action="/_local/signout"><input type="hidden" name="returnTo" value="${h(options.returnTo)}"><button type="submit">Sign out (anonymous visitor)</button></form>
</section></main>`;
  return layout({ title: 'Sign in — local Wix host', member: options.member, returnTo: options.returnTo, body });
}

/**
 * The host page for one Wix page: elements, the $w shim, an import map, then the page code. The shim
 * is inline so it listens to the iframes before any message from them can be dispatched.
 */
export function wixPage(options: { page: PageDef; member: LocalMember | null; webModules: readonly string[]; wShim: string }): string {
  const { page } = options;
  const imports: Record<string, string> = {};
  for (const name of options.webModules) {
    const url = `/_webMethods/modules/${name.split('/').map(encodeURIComponent).join('/')}.web.js`;
    imports[`backend/${name}.web`] = url;
    imports[`backend/${name}.web.js`] = url;
  }
  const elements = Object.entries(page.elements)
    .map(([selector, el]) => {
      const id = selector.slice(1);
      switch (el.type) {
        case 'Text':
          return `<p class="wix-text" data-wix-id="${h(id)}" id="comp-${h(id)}">${h(el.text ?? '')}</p>`;
        case 'HtmlComponent':
          return `<iframe data-wix-id="${h(id)}" id="comp-${h(id)}" title="${h(id)}" src="/_apps/${h(el.app)}.html" height="${el.height ?? 480}"
 sandbox="allow-scripts allow-forms allow-popups allow-modals allow-downloads"></iframe>`;
        default: {
          const unknownEl: never = el;
          return String(unknownEl);
        }
      }
    })
    .join('\n');
  const spec = { page: page.name, elements: page.elements };
  const head = `<script type="importmap">${jsonForScript({ imports })}</script>`;
  const body = `<main id="wix-page">${elements}</main>
<script type="application/json" id="wix-local-page">${jsonForScript(spec)}</script>
<script data-source="/_local/w.js">${options.wShim.replace(/<\/script/gi, '<\\/script')}</script>
<script type="module" src="/_pages/${encodeURIComponent(pageCodeFile(page))}"></script>`;
  return layout({ title: page.title, member: options.member, returnTo: page.path, body, head });
}

export function notFoundPage(member: LocalMember | null, pathname: string): string {
  return layout({ title: 'Not found', member, returnTo: '/', body: `<main class="local"><section><h1>Not found</h1><p><code>${h(pathname)}</code> is not a page of this site. <a href="/">Home</a></p></section></main>` });
}
