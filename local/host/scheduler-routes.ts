/**
 * The scheduler's admin page and JSON endpoints (developer tools on loopback, no sign-in needed):
 *   GET  /_local/scheduler                 HTML: jobs, next/last runs, history, clock
 *   POST /_local/scheduler/run             form jobId → runs it now (303 back)
 *   POST /_local/scheduler/clock           form speed → clock speed; form advanceHours → fast-forward
 *   GET  /_local/api/scheduler             JSON {clock:{now, speed}, jobs:[…]}
 *   POST /_local/api/scheduler/run         JSON {jobId} → the run record
 *   POST /_local/api/clock                 JSON {speed?, advanceMs?} → {now, speed}
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { LocalMember } from '../runtime';
import { escapeHtml as h, readBody, redirect, sendHtml, sendJson } from './http-util';
import type { JobRunRecord, JobState, Scheduler } from './scheduler';
import { layout } from './views';

const RunBody = z.object({ jobId: z.string().min(1) });
const ClockBody = z.object({
  speed: z.coerce.number().positive().max(1_000_000).optional(),
  advanceMs: z.coerce.number().int().positive().max(400 * 24 * 3600 * 1000).optional(),
  advanceHours: z.coerce.number().positive().max(24 * 400).optional(),
});

export interface SchedulerRoutesOptions {
  readonly scheduler: () => Scheduler | null;
  /** Why there is no scheduler (no or invalid jobs.config). */
  readonly unavailableReason: () => string;
  readonly memberOf: (req: IncomingMessage) => LocalMember | null;
}

export function isSchedulerPath(pathname: string): boolean {
  return pathname === '/_local/scheduler' || pathname.startsWith('/_local/scheduler/') || pathname === '/_local/api/scheduler' || pathname.startsWith('/_local/api/scheduler/') || pathname === '/_local/api/clock';
}

export async function handleScheduler(req: IncomingMessage, res: ServerResponse, url: URL, options: SchedulerRoutesOptions): Promise<void> {
  const scheduler = options.scheduler();
  const method = req.method ?? 'GET';
  const route = `${method} ${url.pathname}`;
  if (route === 'GET /_local/scheduler') {
    sendHtml(res, 200, schedulerPage(scheduler, options.unavailableReason(), options.memberOf(req)));
    return;
  }
  if (!scheduler) {
    sendJson(res, 503, { error: options.unavailableReason() });
    return;
  }
  const isForm = url.pathname.startsWith('/_local/scheduler/');
  const input = await readInput(req);
  switch (route) {
    case 'GET /_local/api/scheduler':
      sendJson(res, 200, snapshot(scheduler));
      return;
    case 'POST /_local/scheduler/run':
    case 'POST /_local/api/scheduler/run': {
      const parsed = RunBody.safeParse(input);
      if (!parsed.success || !scheduler.list().some((j) => j.id === parsed.data.jobId)) {
        sendJson(res, 404, { error: 'Unknown jobId' });
        return;
      }
      const run = scheduler.runNow(parsed.data.jobId);
      if (isForm) {
        redirect(res, '/_local/scheduler');
        return;
      }
      sendJson(res, 200, await run);
      return;
    }
    case 'POST /_local/scheduler/clock':
    case 'POST /_local/api/clock': {
      const parsed = ClockBody.safeParse(input);
      if (!parsed.success) {
        sendJson(res, 400, { error: 'Expected {speed?: number > 0, advanceMs?: integer > 0}' });
        return;
      }
      if (parsed.data.speed !== undefined) scheduler.clock.setSpeed(parsed.data.speed);
      const advance = parsed.data.advanceMs ?? (parsed.data.advanceHours === undefined ? undefined : Math.round(parsed.data.advanceHours * 3_600_000));
      if (advance !== undefined) await scheduler.advanceTo(scheduler.clock.now() + advance);
      if (isForm) redirect(res, '/_local/scheduler');
      else sendJson(res, 200, snapshot(scheduler).clock);
      return;
    }
    default:
      sendJson(res, 404, { error: `No scheduler endpoint ${route}` });
  }
}

async function readInput(req: IncomingMessage): Promise<unknown> {
  if (req.method !== 'POST') return {};
  const body = await readBody(req, 64 * 1024);
  if (body.kind !== 'ok' || body.bytes.length === 0) return {};
  const text = body.bytes.toString('utf8');
  if (/application\/json/i.test(req.headers['content-type'] ?? '')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text).entries());
}

export function snapshot(scheduler: Scheduler): { clock: { now: string; speed: number }; jobs: JobState[] } {
  return { clock: { now: new Date(scheduler.clock.now()).toISOString(), speed: scheduler.clock.speed }, jobs: scheduler.list() };
}

const iso = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString().replace('.000Z', 'Z'));

function runCell(run: JobRunRecord | null): string {
  if (!run) return '<span class="muted">never</span>';
  const cls = run.status === 'error' ? 'error' : run.status === 'ok' ? 'ok' : 'muted';
  const took = run.durationMs === null ? 'running' : `${run.durationMs} ms`;
  return `<span class="${cls}">${h(run.status)}</span> ${h(iso(run.startedAt))} (${h(run.trigger)}, ${h(took)})${run.error ? `<br><span class="error">${h(run.error)}</span>` : ''}`;
}

function schedulerPage(scheduler: Scheduler | null, reason: string, member: LocalMember | null): string {
  if (!scheduler) {
    return layout({ title: 'Scheduler', member, returnTo: '/_local/scheduler', body: `<main class="local"><section><h1>Scheduler</h1><p class="error">${h(reason)}</p></section></main>` });
  }
  const jobs = scheduler.list();
  const rows = jobs
    .map(
      (j) => `<tr><td><strong>${h(j.functionName)}</strong><br><span class="muted">${h(j.functionLocation)}</span><br>${h(j.description)}</td>
<td>${h(j.schedule)}</td><td>${h(iso(j.nextRunAt))}</td><td>${runCell(j.lastRun)}${j.running > 0 ? `<br>${j.running} running` : ''}</td>
<td><form method="post" action="/_local/scheduler/run"><input type="hidden" name="jobId" value="${h(j.id)}"><button type="submit">Run now</button></form></td></tr>`,
    )
    .join('');
  const history = jobs
    .flatMap((j) => j.runs)
    .sort((a, b) => b.startedAt - a.startedAt)
    .slice(0, 30)
    .map((r) => `<tr><td>${h(r.jobId)}</td><td>${runCell(r)}</td><td>${h(iso(r.scheduledFor))}</td></tr>`)
    .join('');
  const body = `<main class="local"><section><h1>Scheduler</h1>
<p>Clock: <strong>${h(iso(scheduler.clock.now()))}</strong> · speed ${scheduler.clock.speed}× (all schedules in UTC; jobs run as Admin, elevated).</p>
<form method="post" action="/_local/scheduler/clock" style="display:inline">Speed <input name="speed" size="6" value="${scheduler.clock.speed}"> <button>Set</button></form>
&nbsp; <form method="post" action="/_local/scheduler/clock" style="display:inline">Fast-forward <input name="advanceHours" size="4" value="24"> hours <button>Advance</button></form>
<p class="muted">Fast-forward runs every due occurrence in order with the clock set to its time.</p></section>
<section><table><tr><th>Job</th><th>Schedule</th><th>Next run</th><th>Last run</th><th></th></tr>${rows}</table></section>
<section><h2>Recent runs</h2><table><tr><th>Job</th><th>Result</th><th>Due</th></tr>${history || '<tr><td colspan="3" class="muted">No runs yet.</td></tr>'}</table></section></main>`;
  return layout({ title: 'Scheduler — local Wix host', member, returnTo: '/_local/scheduler', body, head: '<meta http-equiv="refresh" content="10">' });
}
