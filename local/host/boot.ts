/**
 * Starts the local Wix host: data emulator + secrets + members + clock installed as the runtime, the
 * emitted site loaded through the module hooks, the HTTP server, the scheduler, and first-run seeding
 * (in the background, so /_functions/health answers while 5,000 drivers are inserted).
 */
import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import { emulatedCollectionConfigs } from '../../src/backend/collections/registry';
import { createDataEmulator, type LocalDataEmulator } from '../data';
import { ADMIN_IDENTITY, installRuntime, runInCall, uninstallRuntime } from '../runtime';
import { createSendGridSimulator, type SendGridSimulator } from '../simulators/sendgrid';
import { createTwilioSimulator, type TwilioSimulator } from '../simulators/twilio';
import { ScaledClock } from './clock';
import type { HostConfig } from './config';
import { registerConsole } from './consoles';
import { loadDemoMembers, loadSeeder } from './demo';
import { consoleLogger, type Logger } from './http-util';
import { parseJobsConfig } from './jobs-config';
import { MemberCookies, MemberDirectory } from './members';
import { readPagesManifest, type PageDef } from './pages-manifest';
import { Scheduler } from './scheduler';
import { createSecretStore, type LocalKeys } from './secrets';
import { createHostServer, listen } from './server';
import { buildIsStale, emittedSite, sitePaths } from './site';

export interface RunningHost {
  readonly url: string;
  readonly port: number;
  readonly pages: readonly PageDef[];
  readonly scheduler: Scheduler | null;
  readonly emulator: LocalDataEmulator;
  /** The Twilio simulator the site's SDK talks to (secret TWILIO_API_BASE_OVERRIDE). */
  readonly twilio: TwilioSimulator;
  /** The SendGrid simulator the site's SDK talks to (secret SENDGRID_API_BASE_OVERRIDE); its Event Webhook posts to this host. */
  readonly sendgrid: SendGridSimulator;
  /** Resolves when first-run seeding finished (immediately when the store was already seeded). */
  readonly seeded: Promise<void>;
  close(): Promise<void>;
}

async function ensureBuilt(root: string, log: Logger): Promise<void> {
  const paths = sitePaths(root);
  if (!buildIsStale(paths)) return;
  log.info('dist/wix-site is missing or older than src/: building…');
  const { buildSite } = await import('../../scripts/lib/build');
  const result = await buildSite({ root, outDir: path.join(root, 'dist') });
  for (const error of result.errors) log.error(`build: ${error}`);
  if (!fs.existsSync(path.join(paths.backendDir, 'http-functions.js'))) throw new Error('The build emitted no backend/http-functions.js; see the errors above.');
}

export async function startHost(config: HostConfig, log: Logger = consoleLogger): Promise<RunningHost> {
  const paths = sitePaths(config.root);
  await ensureBuilt(config.root, log);
  fs.mkdirSync(config.dataDir, { recursive: true });

  let publicBaseUrl = `http://127.0.0.1:${config.port}`;
  const { store: secrets, keys } = createSecretStore({ root: config.root, dataDir: config.dataDir, publicBaseUrl });
  const { members: demoMembers, note: membersNote } = await loadDemoMembers();
  const members = new MemberDirectory(demoMembers);
  if (membersNote) log.warn(membersNote);

  const clock = new ScaledClock({ start: config.clockStart, speed: config.clockSpeed });
  const emulator = createDataEmulator({ dataDir: config.dataDir, collections: emulatedCollectionConfigs(), strictCollections: true, strict: config.strict, now: () => clock.now() });
  installRuntime({ dataItems: emulator.items, secrets, members, fetch: globalThis.fetch, clock });

  const site = emittedSite(paths);
  const hooks = await site.backendFile('/data.js');
  if (hooks) emulator.setHooks(hooks);
  await site.httpFunctions(); // load before listening so the first health check is fast

  const twilio = await startTwilioSimulator({ config, clock, secrets, publicBaseUrl: () => secrets.get('PUBLIC_BASE_URL') ?? publicBaseUrl, log });
  const unregisterTwilioConsole = registerConsole({ name: twilio.describe().title, path: twilio.describe().url, description: twilio.describe().description });
  const sendgrid = await startSendGridSimulator({ config, clock, secrets, keys, publicBaseUrl: () => secrets.get('PUBLIC_BASE_URL') ?? publicBaseUrl, log });
  const unregisterSendGridConsole = registerConsole({ name: sendgrid.describe().title, path: sendgrid.describe().url, description: sendgrid.describe().description });

  let scheduler: Scheduler | null = null;
  let schedulerUnavailable = 'The site has no backend/jobs.config.';
  const jobsFile = path.join(paths.backendDir, 'jobs.config');
  if (fs.existsSync(jobsFile)) {
    try {
      const jobs = parseJobsConfig(fs.readFileSync(jobsFile, 'utf8'));
      scheduler = new Scheduler({ config: jobs, clock, loadModule: (l) => site.backendFile(l), strict: config.strict, seed: config.seed, duplicateRate: config.jobDuplicateRate, log });
    } catch (error) {
      schedulerUnavailable = error instanceof Error ? error.message : String(error);
      log.error('scheduler disabled', error);
    }
  }

  let seedStatus = 'checking…';
  let seeded: Promise<void> = Promise.resolve();
  const server: http.Server = createHostServer({
    paths,
    site,
    pages: readPagesManifest(config.root),
    members,
    cookies: MemberCookies.forDataDir(config.dataDir),
    strict: config.strict,
    publicBaseUrl: () => secrets.get('PUBLIC_BASE_URL') ?? publicBaseUrl,
    scheduler: () => scheduler,
    schedulerUnavailable: () => schedulerUnavailable,
    ready: () => seeded,
    seedStatus: () => seedStatus,
    membersNote: () => membersNote,
    secrets: () => secrets.describe(),
    dataItems: () => emulator.items,
    log,
  });
  const port = await listen(server, config.port, config.hostname);
  publicBaseUrl = `http://127.0.0.1:${port}`;
  secrets.setDefault('PUBLIC_BASE_URL', publicBaseUrl);
  scheduler?.start();

  const marker = path.join(config.dataDir, 'seeded.json');
  if (fs.existsSync(marker)) {
    seedStatus = 'seeded on an earlier run';
  } else {
    seeded = (async () => {
      const seedDemoData = await loadSeeder();
      seedStatus = `seeding ${config.seedDrivers} drivers…`;
      const started = Date.now();
      const report = await runInCall({ identity: ADMIN_IDENTITY, elevated: true, kind: 'script', deadline: null }, () =>
        seedDemoData({ items: emulator.items, drivers: config.seedDrivers, seed: config.seed }),
      );
      fs.writeFileSync(marker, JSON.stringify({ seededAt: new Date().toISOString(), drivers: config.seedDrivers, seed: config.seed, inserted: report.inserted, bulkCalls: report.bulkCalls }, null, 2));
      seedStatus = `seeded ${config.seedDrivers} drivers in ${Date.now() - started} ms`;
      log.info(seedStatus);
    })().catch((error: unknown) => {
      seedStatus = `seeding failed: ${error instanceof Error ? error.message : String(error)}`;
      log.error('seeding failed', error);
    });
  }

  return {
    url: publicBaseUrl,
    port,
    pages: readPagesManifest(config.root),
    scheduler,
    emulator,
    twilio,
    sendgrid,
    seeded,
    async close() {
      scheduler?.stop();
      unregisterTwilioConsole();
      unregisterSendGridConsole();
      await twilio.stop();
      await sendgrid.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await seeded;
      emulator.close();
      uninstallRuntime();
    },
  };
}

/**
 * The Twilio simulator on its own loopback port, on the host clock, accepting the site's Twilio
 * secrets and signing with its auth token; the site's SDK finds it through TWILIO_API_BASE_OVERRIDE.
 */
async function startTwilioSimulator(args: {
  config: HostConfig;
  clock: ScaledClock;
  secrets: ReturnType<typeof createSecretStore>['store'];
  publicBaseUrl: () => string;
  log: Logger;
}): Promise<TwilioSimulator> {
  const { config, secrets } = args;
  const accountSid = secrets.get('TWILIO_ACCOUNT_SID');
  const authToken = secrets.get('TWILIO_AUTH_TOKEN');
  const twilio = createTwilioSimulator({
    clock: args.clock,
    seed: config.seed,
    ...(accountSid && authToken ? { credentials: { accountSid, authToken } } : {}),
    publicWebhookBase: args.publicBaseUrl,
    driverReplies: { share: config.twilioSimReplyShare },
  });
  const url = await twilio.start(config.twilioSimPort);
  secrets.setDefault('TWILIO_API_BASE_OVERRIDE', url);
  args.log.info(`Twilio simulator on ${url} (console ${twilio.describe().url})`);
  return twilio;
}

/**
 * The SendGrid simulator on its own loopback port, on the host clock: it accepts the site's
 * SENDGRID_API_KEY, signs its Event Webhook with the private half of the data dir's key pair (the
 * site verifies with SENDGRID_WEBHOOK_PUBLIC_KEY) and posts to `<PUBLIC_BASE_URL>/_functions/sendgrid/events`;
 * the site's SDK finds it through SENDGRID_API_BASE_OVERRIDE.
 */
async function startSendGridSimulator(args: {
  config: HostConfig;
  clock: ScaledClock;
  secrets: ReturnType<typeof createSecretStore>['store'];
  keys: LocalKeys;
  publicBaseUrl: () => string;
  log: Logger;
}): Promise<SendGridSimulator> {
  const { config, secrets } = args;
  const apiKey = secrets.get('SENDGRID_API_KEY');
  const sendgrid = createSendGridSimulator({
    clock: args.clock,
    seed: config.seed,
    ...(apiKey ? { credentials: { apiKey } } : {}),
    signingKey: { privateKeyPem: args.keys.sendgridWebhook.privateKeyPem },
    publicWebhookBase: args.publicBaseUrl,
  });
  const url = await sendgrid.start(config.sendgridSimPort);
  secrets.setDefault('SENDGRID_API_BASE_OVERRIDE', url);
  args.log.info(`SendGrid simulator on ${url} (console ${sendgrid.describe().url})`);
  return sendgrid;
}
