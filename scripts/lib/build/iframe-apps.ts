/**
 * Iframe apps: each `src/public/apps/<app>/` becomes ONE self-contained HTML file (JS and CSS
 * inlined), which is what a Wix HTML element's embed code accepts.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { IframeApp } from './entries';
import { siteModulesPlugin } from './site-modules-plugin';

export interface BuiltApp {
  readonly name: string;
  readonly html: string;
  readonly js: string;
  readonly map: { readonly file: string; readonly text: string } | null;
}

const BROWSER_TARGET = ['es2020'];

export async function buildIframeApp(options: { root: string; app: IframeApp; sourcemaps: boolean }): Promise<BuiltApp> {
  const { root, app, sourcemaps } = options;
  const js = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [{ in: app.main, out: app.name }],
    outdir: path.join(root, '.iframe-app-out'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: BROWSER_TARGET,
    minify: true,
    charset: 'utf8',
    legalComments: 'none',
    sourcemap: sourcemaps ? 'external' : false,
    write: false,
    logLevel: 'silent',
    plugins: [siteModulesPlugin({ root, target: 'iframe' })],
  });
  const jsFile = js.outputFiles.find((f) => f.path.endsWith('.js'));
  const mapFile = js.outputFiles.find((f) => f.path.endsWith('.js.map'));
  if (jsFile === undefined) throw new Error(`${app.main}: esbuild produced no JavaScript`);
  let css = '';
  if (app.css !== null) {
    const built = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [app.css],
      outdir: path.join(root, '.iframe-app-out'),
      bundle: true,
      minify: true,
      write: false,
      logLevel: 'silent',
    });
    css = built.outputFiles.find((f) => f.path.endsWith('.css'))?.text ?? '';
  }
  const template = await fs.readFile(path.join(root, app.html), 'utf8');
  const html = inlineApp({ template, js: jsFile.text, css, htmlPath: app.html });
  const map = mapFile === undefined ? null : { file: `${app.name}.js.map`, text: mapFile.text };
  return { name: app.name, html, js: jsFile.text, map };
}

/** Drops the template's references to main.* / style.css and inlines the built code instead. */
export function inlineApp(options: { template: string; js: string; css: string; htmlPath: string }): string {
  let html = options.template
    .replace(/<script\b[^>]*\bsrc\s*=\s*["'](?:\.\/)?main\.(?:js|ts)["'][^>]*>\s*<\/script\s*>\s*/gi, '')
    .replace(/<link\b[^>]*\bhref\s*=\s*["'](?:\.\/)?style\.css["'][^>]*>\s*/gi, '');
  const leftover = /\b(?:src|href)\s*=\s*["'](?!https:|data:|#|mailto:|tel:|about:|javascript:)([^"']+)["']/i.exec(html);
  if (leftover !== null) {
    throw new Error(`${options.htmlPath}: references ${leftover[1] ?? ''}, which the single-file app can't carry (inline it or use an https: URL)`);
  }
  const style = options.css.trim() === '' ? '' : `<style>\n${options.css.replace(/<\/style/gi, '<\\/style')}</style>\n`;
  const script = `<script type="module">\n${options.js.replace(/<\/script/gi, '<\\/script')}</script>\n`;
  html = insertBefore(html, /<\/head\s*>/i, style, 'start');
  html = insertBefore(html, /<\/body\s*>/i, script, 'end');
  return html;
}

function insertBefore(html: string, marker: RegExp, chunk: string, fallback: 'start' | 'end'): string {
  if (chunk === '') return html;
  const match = marker.exec(html);
  if (match !== null) return html.slice(0, match.index) + chunk + html.slice(match.index);
  return fallback === 'start' ? chunk + html : html + chunk;
}
