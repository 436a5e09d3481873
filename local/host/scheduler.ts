/**
 * The jobs.config scheduler. Jobs run as the site admin, elevated (kind 'job'), on an injectable
 * clock. `tick()` fires what is due without waiting (the host calls it every ~250 ms: runs may
 * overlap, as on Wix); `advanceTo(t)` steps the clock through every due run up to `t`, waiting for
 * each (tests, "fast-forward" in the admin page). Strict mode emulates at-least-once delivery: with a
 * seeded PRNG some deliveries are repeated, either after the first finishes or while it still runs.
 */
import { ADMIN_IDENTITY, runInCall } from '../runtime';
import { mulberry32 } from '../prng';
import type { ControllableClock } from './clock';
import { compileSchedule, describeSchedule, type JobDefinition, type JobsConfig, type Schedule } from './jobs-config';
import type { Logger } from './http-util';
import type { ModuleExports } from './site-types';

export type JobTrigger = 'schedule' | 'manual' | 'duplicate-after' | 'duplicate-overlap';

export interface JobRunRecord {
  readonly jobId: string;
  readonly trigger: JobTrigger;
  /** Clock time the run was due (scheduled runs) or requested (manual). */
  readonly scheduledFor: number;
  readonly startedAt: number;
  finishedAt: number | null;
  status: 'running' | 'ok' | 'error';
  /** Real milliseconds the function took. */
  durationMs: number | null;
  error: string | null;
}

export interface JobState {
  readonly id: string;
  readonly functionLocation: string;
  readonly functionName: string;
  readonly description: string;
  readonly schedule: string;
  readonly nextRunAt: number | null;
  readonly running: number;
  readonly lastRun: JobRunRecord | null;
  readonly runs: readonly JobRunRecord[];
}

export interface SchedulerOptions {
  readonly config: JobsConfig;
  readonly clock: ControllableClock;
  /** Imports a backend file by functionLocation ('/jobs.js'). */
  readonly loadModule: (functionLocation: string) => Promise<ModuleExports | null>;
  readonly strict?: boolean;
  readonly seed?: number;
  /** Strict mode: share of deliveries that are delivered twice (default 0.2). */
  readonly duplicateRate?: number;
  readonly historyPerJob?: number;
  readonly log?: Logger;
}

interface JobEntry {
  readonly id: string;
  readonly def: JobDefinition;
  readonly schedule: Schedule;
  nextRunAt: number | null;
  running: number;
  readonly runs: JobRunRecord[];
}

export class Scheduler {
  private readonly jobs: JobEntry[];
  private readonly random: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: SchedulerOptions) {
    this.random = mulberry32(options.seed ?? 1);
    const now = options.clock.now();
    const seen = new Map<string, number>();
    this.jobs = options.config.jobs.map((def) => {
      const base = `${def.functionLocation}#${def.functionName}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      const schedule = compileSchedule(def);
      return { id: n === 1 ? base : `${base}#${n}`, def, schedule, nextRunAt: schedule.nextAfter(now), running: 0, runs: [] };
    });
  }

  get clock(): ControllableClock {
    return this.options.clock;
  }

  list(): JobState[] {
    return this.jobs.map((j) => ({
      id: j.id,
      functionLocation: j.def.functionLocation,
      functionName: j.def.functionName,
      description: j.def.description ?? '',
      schedule: describeSchedule(j.def),
      nextRunAt: j.nextRunAt,
      running: j.running,
      lastRun: j.runs[j.runs.length - 1] ?? null,
      runs: [...j.runs],
    }));
  }

  /** Fires every run due at the clock's current time; does not wait for them. */
  tick(): void {
    const now = this.options.clock.now();
    for (const job of this.jobs) {
      // Missed occurrences (clock jumped) collapse into one delivery, like a platform catching up.
      if (job.nextRunAt !== null && job.nextRunAt <= now) {
        const due = job.nextRunAt;
        job.nextRunAt = job.schedule.nextAfter(now);
        void this.deliver(job, due);
      }
    }
  }

  /** Steps the clock through every due occurrence up to `target`, running each and waiting for it. */
  async advanceTo(target: number): Promise<void> {
    for (;;) {
      const due = this.jobs.filter((j) => j.nextRunAt !== null && j.nextRunAt <= target);
      const at = Math.min(...due.map((j) => j.nextRunAt ?? Infinity));
      if (!Number.isFinite(at)) break;
      this.options.clock.jumpTo(at);
      const batch = due.filter((j) => j.nextRunAt === at);
      for (const job of batch) job.nextRunAt = job.schedule.nextAfter(at);
      await Promise.all(batch.map((job) => this.deliver(job, at)));
    }
    this.options.clock.jumpTo(target);
    await this.idle();
  }

  /** Runs a job now (developer action). Resolves with the run's record. */
  async runNow(jobId: string): Promise<JobRunRecord> {
    const job = this.jobs.find((j) => j.id === jobId);
    if (!job) throw new Error(`No job ${jobId}`);
    return this.track(this.execute(job, 'manual', this.options.clock.now()));
  }

  /** Waits for every run started so far (including duplicate deliveries). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  start(intervalMs = 250): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async deliver(job: JobEntry, scheduledFor: number): Promise<void> {
    const duplicate = this.options.strict === true && this.random() < (this.options.duplicateRate ?? 0.2);
    const overlap = duplicate && this.random() < 0.5;
    const first = this.track(this.execute(job, 'schedule', scheduledFor));
    if (overlap) await Promise.all([first, this.track(this.execute(job, 'duplicate-overlap', scheduledFor))]);
    else await first;
    if (duplicate && !overlap) await this.track(this.execute(job, 'duplicate-after', scheduledFor));
  }

  private track<T>(work: Promise<T>): Promise<T> {
    const p = work.then(() => undefined, () => undefined);
    this.inFlight.add(p);
    void p.then(() => this.inFlight.delete(p));
    return work;
  }

  private async execute(job: JobEntry, trigger: JobTrigger, scheduledFor: number): Promise<JobRunRecord> {
    const record: JobRunRecord = {
      jobId: job.id,
      trigger,
      scheduledFor,
      startedAt: this.options.clock.now(),
      finishedAt: null,
      status: 'running',
      durationMs: null,
      error: null,
    };
    job.runs.push(record);
    const history = this.options.historyPerJob ?? 50;
    if (job.runs.length > history) job.runs.splice(0, job.runs.length - history);
    job.running += 1;
    const startedReal = performance.now();
    try {
      const mod = await this.options.loadModule(job.def.functionLocation);
      const fn = mod?.[job.def.functionName];
      if (typeof fn !== 'function') throw new Error(`${job.def.functionLocation} does not export a function ${job.def.functionName}`);
      const call = fn as () => unknown;
      await runInCall({ identity: ADMIN_IDENTITY, elevated: true, kind: 'job', deadline: null }, () => call());
      record.status = 'ok';
    } catch (error) {
      record.status = 'error';
      record.error = error instanceof Error ? error.message : String(error);
      this.options.log?.warn(`job ${job.id} (${trigger}) failed: ${record.error}`);
    } finally {
      job.running -= 1;
      record.finishedAt = this.options.clock.now();
      record.durationMs = Math.round(performance.now() - startedReal);
    }
    return record;
  }
}

