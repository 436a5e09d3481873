/** `backend/jobs.config` (reference §2.3): schema and next-run computation, all in UTC. */
import { Cron } from 'croner';
import { z } from 'zod';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const ExecutionConfigSchema = z.union([
  z.object({ cronExpression: z.string().min(1) }).strict(),
  z
    .object({
      time: z.string().regex(/^([01]\d|2[0-3]):([0-5]\d)$/, 'time must be HH:MM (UTC)'),
      dayOfWeek: z.enum(DAYS).optional(),
      dateInMonth: z.number().int().min(1).max(31).optional(),
    })
    .strict()
    .refine((c) => c.dayOfWeek === undefined || c.dateInMonth === undefined, 'dayOfWeek and dateInMonth are mutually exclusive'),
]);

export const JobSchema = z
  .object({
    functionLocation: z.string().regex(/^\//, 'functionLocation starts with /'),
    functionName: z.string().regex(/^[a-z_$][\da-z_$]*$/i),
    description: z.string().optional(),
    executionConfig: ExecutionConfigSchema,
  })
  .strict();

export const JobsConfigSchema = z.object({ jobs: z.array(JobSchema).min(1).max(20) }).strict();

export type JobDefinition = z.infer<typeof JobSchema>;
export type JobsConfig = z.infer<typeof JobsConfigSchema>;

export function parseJobsConfig(input: unknown): JobsConfig {
  const parsed = JobsConfigSchema.safeParse(typeof input === 'string' ? JSON.parse(input) : input);
  if (!parsed.success) {
    throw new Error(`Invalid jobs.config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** The job's schedule as a 5-field UTC cron expression (time/dayOfWeek/dateInMonth translated). */
export function cronOf(job: JobDefinition): string {
  const c = job.executionConfig;
  if ('cronExpression' in c) return c.cronExpression;
  const [hh, mm] = c.time.split(':').map(Number);
  const dom = c.dateInMonth === undefined ? '*' : String(c.dateInMonth);
  const dow = c.dayOfWeek === undefined ? '*' : String(DAYS.indexOf(c.dayOfWeek));
  return `${mm ?? 0} ${hh ?? 0} ${dom} * ${dow}`;
}

export function describeSchedule(job: JobDefinition): string {
  const c = job.executionConfig;
  if ('cronExpression' in c) return `cron "${c.cronExpression}" (UTC)`;
  if (c.dayOfWeek !== undefined) return `every ${c.dayOfWeek} at ${c.time} UTC`;
  if (c.dateInMonth !== undefined) return `day ${c.dateInMonth} of each month at ${c.time} UTC`;
  return `daily at ${c.time} UTC`;
}

/** A compiled schedule: the first run strictly after `afterMs`. */
export interface Schedule {
  nextAfter(afterMs: number): number | null;
}

export function compileSchedule(job: JobDefinition): Schedule {
  const expr = cronOf(job);
  if (expr.trim().split(/\s+/).length !== 5) throw new Error(`${job.functionName}: cronExpression must have 5 fields (no seconds), got "${expr}"`);
  const cron = new Cron(expr, { timezone: 'UTC', paused: true });
  return {
    nextAfter(afterMs: number): number | null {
      const next = cron.nextRun(new Date(afterMs));
      return next ? next.getTime() : null;
    },
  };
}
