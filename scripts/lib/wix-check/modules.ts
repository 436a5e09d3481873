/**
 * Static facts about every emitted JavaScript file: its import specifiers (static, dynamic,
 * re-exports, require) and its export names. esbuild parses the files; every import is kept
 * external, so each file is analysed on its own.
 */
import path from 'node:path';
import * as esbuild from 'esbuild';
import { toPosix } from '../fs-walk';

export type ImportKind = esbuild.ImportKind;

export interface ModuleImport {
  readonly specifier: string;
  readonly kind: ImportKind;
}

export interface ModuleFacts {
  /** Path relative to the tree (POSIX). */
  readonly file: string;
  readonly imports: ModuleImport[];
  readonly exports: string[];
  /** `export * from '<external>'`: names not knowable statically. */
  readonly reexportsAll: boolean;
}

export interface ScanResult {
  readonly modules: Map<string, ModuleFacts>;
  /** Files esbuild could not parse, with the reason. */
  readonly syntaxErrors: { file: string; message: string }[];
}

export async function scanModules(dir: string, files: readonly string[]): Promise<ScanResult> {
  const modules = new Map<string, ModuleFacts>();
  const syntaxErrors: { file: string; message: string }[] = [];
  // Parse files one build each, all in parallel, so one broken file doesn't hide the others.
  await Promise.all(
    files.map(async (file) => {
      const imports: ModuleImport[] = [];
      try {
        const result = await esbuild.build({
          absWorkingDir: dir,
          entryPoints: [file],
          outdir: path.join(dir, '.wix-check-out'),
          bundle: true,
          format: 'esm',
          platform: 'neutral',
          write: false,
          metafile: true,
          logLevel: 'silent',
          loader: { '.js': 'js', '.jsw': 'js' },
          plugins: [
            {
              name: 'record-imports',
              setup(build) {
                build.onResolve({ filter: /.*/ }, (args) => {
                  if (args.kind === 'entry-point') return undefined;
                  imports.push({ specifier: args.path, kind: args.kind });
                  return { path: args.path, external: true };
                });
              },
            },
          ],
        });
        const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
        const text = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
        modules.set(file, {
          file,
          imports,
          exports: output?.exports ?? [],
          reexportsAll: /^export \* from /m.test(text),
        });
      } catch (e) {
        const failure = e as Partial<esbuild.BuildFailure>;
        const message = failure.errors?.map((m) => `${m.location ? `${m.location.line}:${m.location.column + 1} ` : ''}${m.text}`).join('; ');
        syntaxErrors.push({ file: toPosix(file), message: message ?? String(e) });
      }
    }),
  );
  return { modules, syntaxErrors };
}
