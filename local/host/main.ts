/**
 * `npm start`: the local Wix host on http://127.0.0.1:PORT (default 8080). See docs/local-host.md.
 */
import { startHost } from './boot';
import { readHostConfig } from './config';

async function main(): Promise<void> {
  const config = readHostConfig();
  const host = await startHost(config);
  const pages = host.pages.map((p) => `    ${host.url}${p.path}  (${p.title})`).join('\n');
  console.log(
    [
      '',
      `Local Wix host listening on ${host.url}  (ready ${process.uptime().toFixed(1)} s after start)`,
      `  Open ${host.url}/ — the home page links every page and tool.`,
      `  Sign in as a recruiter:  ${host.url}/_local/signin`,
      '  Recruiter pages:',
      pages || '    (none in wix.pages.json)',
      `  Scheduler:               ${host.url}/_local/scheduler`,
      `  Health:                  ${host.url}/_functions/health`,
      `  Data dir: ${config.dataDir}${config.strict ? '  · strict mode (Wix limits enforced)' : ''}${config.clockSpeed !== 1 ? `  · clock ${config.clockSpeed}×` : ''}`,
      '',
    ].join('\n'),
  );
  let closing = false;
  const stop = (signal: string): void => {
    if (closing) process.exit(1);
    closing = true;
    console.log(`\n${signal}: stopping the local host…`);
    host.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
