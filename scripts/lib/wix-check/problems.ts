/** What `wix:check` reports. Errors fail the check; warnings are printed. */
export type Severity = 'error' | 'warning';

export type Rule =
  | 'file-type'
  | 'src-root'
  | 'wix-config'
  | 'package-json'
  | 'jobs-config'
  | 'jobs-interval'
  | 'jobs-function'
  | 'web-method'
  | 'import'
  | 'dependency'
  | 'http-functions'
  | 'data-hooks'
  | 'page-file'
  | 'syntax'
  | 'size';

export interface Problem {
  readonly severity: Severity;
  readonly rule: Rule;
  /** Path relative to the checked tree (POSIX), or '' for the tree as a whole. */
  readonly file: string;
  readonly message: string;
}

export function error(rule: Rule, file: string, message: string): Problem {
  return { severity: 'error', rule, file, message };
}

export function warning(rule: Rule, file: string, message: string): Problem {
  return { severity: 'warning', rule, file, message };
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems
    .map((p) => `${p.severity === 'error' ? 'ERROR' : 'warn '} [${p.rule}] ${p.file === '' ? '(tree)' : p.file}: ${p.message}`)
    .join('\n');
}
