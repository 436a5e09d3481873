/**
 * `npm run bench`: runs every benchmark in turn; each writes its figures to bench/results/<name>.json.
 * `npm run bench -- data-emulator` runs only the named ones.
 */
import { run as contactWindow } from './contact-window.bench';
import { run as compliance } from './compliance.bench';
import { run as audience } from './audience.bench';
import { run as dataEmulator } from './data-emulator.bench';
import { run as smsCampaign } from './sms-campaign.bench';
import { run as emailCampaign } from './email-campaign.bench';
import { run as sendgridWebhook } from './sendgrid-webhook.bench';
import { run as sequenceSteps } from './sequence-steps.bench';

const BENCHES: Readonly<Record<string, () => Promise<Record<string, unknown>>>> = {
  'data-emulator': () => dataEmulator(),
  audience: () => audience(),
  compliance: () => compliance(),
  'contact-window': () => contactWindow(),
  'sms-campaign': () => smsCampaign(),
  'email-campaign': () => emailCampaign(),
  'sendgrid-webhook': () => sendgridWebhook(),
  'sequence-steps': () => sequenceSteps(),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) throw new Error(`Unknown bench(es): ${unknown.join(', ')}. Known: ${Object.keys(BENCHES).join(', ')}`);
  for (const [name, bench] of Object.entries(BENCHES)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    console.log(`bench ${name}…`);
    await bench();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
