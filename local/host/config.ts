/** The local host's settings, read once from the environment (see docs/local-host.md). */
import path from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['', '0', '1', 'false', 'true', 'no', 'yes'])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATA_DIR: z.string().min(1).default('.data'),
  WIX_STRICT: flag,
  CLOCK_SPEED: z.coerce.number().positive().max(1_000_000).default(1),
  /** ISO date-time the emulated clock starts at (default: now). */
  CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  SEED_DRIVERS: z.coerce.number().int().min(0).max(1_000_000).default(5000),
  SEED: z.coerce.number().int().default(42),
  /** Share of strict-mode job deliveries that are duplicated (at-least-once emulation). */
  JOB_DUPLICATE_RATE: z.coerce.number().min(0).max(1).default(0.2),
  /** Loopback port of the Twilio simulator (0: any free port). */
  TWILIO_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Share of delivered recipients whose simulated handset answers (YES / a question / STOP). */
  TWILIO_SIM_REPLY_SHARE: z.coerce.number().min(0).max(1).default(0.1),
  /** Loopback port of the SendGrid simulator (0: any free port). */
  SENDGRID_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(0),
});

export interface HostConfig {
  /** Repository root (holds wix.pages.json, dist/, local/). */
  readonly root: string;
  readonly port: number;
  /** Always loopback. */
  readonly hostname: '127.0.0.1';
  readonly dataDir: string;
  readonly strict: boolean;
  readonly clockSpeed: number;
  readonly clockStart: number | null;
  readonly seedDrivers: number;
  readonly seed: number;
  readonly jobDuplicateRate: number;
  readonly twilioSimPort: number;
  readonly twilioSimReplyShare: number;
  readonly sendgridSimPort: number;
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function readHostConfig(env: NodeJS.ProcessEnv = process.env, root: string = REPO_ROOT): HostConfig {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid local host settings: ${problems}`);
  }
  const e = parsed.data;
  return {
    root,
    port: e.PORT,
    hostname: '127.0.0.1',
    dataDir: path.resolve(root, e.DATA_DIR),
    strict: e.WIX_STRICT,
    clockSpeed: e.CLOCK_SPEED,
    clockStart: e.CLOCK_START === undefined ? null : Date.parse(e.CLOCK_START),
    seedDrivers: e.SEED_DRIVERS,
    seed: e.SEED,
    jobDuplicateRate: e.JOB_DUPLICATE_RATE,
    twilioSimPort: e.TWILIO_SIM_PORT,
    twilioSimReplyShare: e.TWILIO_SIM_REPLY_SHARE,
    sendgridSimPort: e.SENDGRID_SIM_PORT,
  };
}
