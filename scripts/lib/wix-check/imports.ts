/** Every import in the emitted tree must be something Wix can resolve. */
import path from 'node:path';
import { isNodeBuiltin, isRelative, isVeloBuiltin, isWebModuleSpecifier, packageNameOf, siteRootOf } from '../wix-modules';
import type { ModuleFacts } from './modules';
import { error, warning, type Problem } from './problems';

type Area = 'backend' | 'pages' | 'public' | 'other';

function areaOf(file: string): Area {
  const top = file.split('/')[1];
  switch (top) {
    case 'backend':
    case 'pages':
    case 'public':
      return top;
    default:
      return 'other';
  }
}

function resolveIn(fileSet: ReadonlySet<string>, target: string): string | null {
  for (const candidate of [target, `${target}.js`]) if (fileSet.has(candidate)) return candidate;
  return null;
}

export function checkImports(options: {
  modules: Iterable<ModuleFacts>;
  files: readonly string[];
  dependencies: ReadonlyMap<string, string> | null;
}): Problem[] {
  const { files, dependencies } = options;
  const fileSet = new Set(files);
  const problems: Problem[] = [];
  const used = new Set<string>();
  for (const mod of options.modules) {
    const area = areaOf(mod.file);
    const browser = area === 'pages' || area === 'public';
    for (const { specifier: spec } of mod.imports) {
      const fail = (message: string): void => void problems.push(error('import', mod.file, `import "${spec}": ${message}`));
      if (isRelative(spec)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(mod.file), spec));
        const resolved = resolveIn(fileSet, target);
        if (resolved === null) fail('does not resolve to an emitted file');
        else if (area === 'pages' && areaOf(resolved) !== 'pages') fail('relative imports from pages into backend/public don\'t work on Wix; use "backend/…" or "public/…"');
        continue;
      }
      const siteRoot = siteRootOf(spec);
      if (siteRoot === 'backend') {
        if (!browser) fail('backend code imports backend modules relatively (this build bundles them); "backend/…" is for page and public code');
        else if (!isWebModuleSpecifier(spec)) fail('page and public code may import only web modules (backend/<name>.web)');
        else if (resolveIn(fileSet, `src/${spec.replace(/\.js$/, '')}.js`) === null) fail('no such web module in the emitted backend');
        continue;
      }
      if (siteRoot === 'public') {
        if (resolveIn(fileSet, `src/${spec}`) === null) fail('does not resolve to an emitted public file');
        continue;
      }
      if (isVeloBuiltin(spec)) continue;
      if (isNodeBuiltin(spec)) {
        if (browser) fail('Node built-in imported by browser code');
        continue;
      }
      const name = packageNameOf(spec);
      used.add(name);
      if (dependencies === null) continue; // package.json itself is reported
      if (!dependencies.has(name)) {
        const kind = name.startsWith('@wix/') ? 'Wix SDK package' : 'bare import';
        problems.push(error('dependency', mod.file, `${kind} "${spec}" is not in package.json dependencies (Wix installs only those)`));
      }
    }
  }
  for (const name of dependencies?.keys() ?? []) {
    if (!used.has(name)) problems.push(warning('dependency', 'package.json', `dependency "${name}" is not imported by any emitted file`));
  }
  return problems;
}
