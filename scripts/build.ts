/** `npm run build`: emits dist/wix-site (Wix Git-integration tree) and dist/iframe-apps. */
import path from 'node:path';
import { buildSite, summarizeBuild } from './lib/build';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const result = await buildSite({ root, outDir: path.join(root, 'dist') });
  for (const warning of result.warnings) console.warn(`warning: ${warning}`);
  for (const error of result.errors) console.error(`error: ${error}`);
  console.log(summarizeBuild(result));
  if (!result.ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
