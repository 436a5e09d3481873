/** `npm run wix:check [dir]`: validates the emitted tree (default dist/wix-site); exits 1 on errors. */
import path from 'node:path';
import { checkWixTree, formatProblems, hasErrors } from './lib/wix-check';

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'dist', 'wix-site'));
  const problems = await checkWixTree(dir);
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (problems.length > 0) console.log(formatProblems(problems));
  console.log(`wix:check ${hasErrors(problems) ? 'FAILED' : 'ok'}: ${path.relative(process.cwd(), dir) || dir} — ${errors} error(s), ${problems.length - errors} warning(s)`);
  if (hasErrors(problems)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
