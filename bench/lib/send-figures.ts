/**
 * The SMS campaign bench's figures (bench/sms-campaign.bench.ts): a bare loop's per-message costs,
 * its two halves as one figure, the sending thread's GC split, and the CPU per message of every
 * process in both runs with the campaign's ceiling on this machine's cores.
 */
import { availableParallelism } from 'node:os';
import type { GcPauses } from './sim-process';
import { round } from './store';

/** Bare ÷ campaign cost per message (the campaign at ≥ 0.7 of the bare loop meets the target); 0 without a campaign figure. */
export function threadRatio(bareUs: number, campaignUs: unknown): number {
  return typeof campaignUs === 'number' && campaignUs > 0 ? round(bareUs / campaignUs, 3) : 0;
}

/** A thread's GC pauses per message, scavenges apart from full collections (counts per 1000 messages). */
export function gcFigures(gc: GcPauses, count: number): GcFigures {
  const per = (n: number): number => (count === 0 ? 0 : round(n / count));
  const per1000 = (n: number): number => (count === 0 ? 0 : round((n * 1000) / count, 2));
  return {
    gcPauseUsPerMessage: per(gc.totalUs),
    gcScavengesPer1000: per1000(gc.scavenges),
    gcScavengeUsPerMessage: per(gc.scavengeUs),
    gcFullCollectionsPer1000: per1000(gc.fullCollections),
    gcFullUsPerMessage: per(gc.fullUs),
  };
}

export interface GcFigures {
  /** Garbage-collection pauses of the sending thread per message (part of its CPU time). */
  readonly gcPauseUsPerMessage: number;
  readonly gcScavengesPer1000: number;
  readonly gcScavengeUsPerMessage: number;
  /** Mark-compact collections; their pauses include the main thread's incremental-marking steps. */
  readonly gcFullCollectionsPer1000: number;
  readonly gcFullUsPerMessage: number;
}

export interface BareFigures extends GcFigures {
  readonly messages: number;
  readonly failed: number;
  readonly concurrency: number;
  readonly ms: number;
  readonly messagesPerSecond: number;
  /** Event-loop active time per message: what one message costs the sending thread. */
  readonly threadUsPerMessage: number;
  /** CPU time of the sending process per message (every thread: the garbage collector's helpers too). */
  readonly cpuUsPerMessage: number;
  /** CPU time of the sending thread alone per message (`null` without /proc): below `threadUsPerMessage` by the time it waited for a core. */
  readonly threadCpuUsPerMessage: number | null;
  /** CPU time of the simulator's process per message (measured by the parent; `null` inside the child). */
  readonly simulatorCpuUsPerMessage: number | null;
  readonly rssMb: number;
}

/** Both halves of the bare loop as one figure (total messages over total time), each half kept. */
export function bracketed(before: BareFigures, after: BareFigures): BareFigures & { readonly before: BareFigures; readonly after: BareFigures } {
  const messages = before.messages + after.messages;
  const ms = before.ms + after.ms;
  const weighted = (value: (f: BareFigures) => number): number => round((value(before) * before.messages + value(after) * after.messages) / Math.max(1, messages));
  return {
    messages,
    failed: before.failed + after.failed,
    concurrency: before.concurrency,
    ms,
    messagesPerSecond: Math.round(messages / (ms / 1000)),
    threadUsPerMessage: weighted((f) => f.threadUsPerMessage),
    cpuUsPerMessage: weighted((f) => f.cpuUsPerMessage),
    threadCpuUsPerMessage: before.threadCpuUsPerMessage === null || after.threadCpuUsPerMessage === null ? null : weighted((f) => f.threadCpuUsPerMessage ?? 0),
    gcPauseUsPerMessage: weighted((f) => f.gcPauseUsPerMessage),
    gcScavengesPer1000: weighted((f) => f.gcScavengesPer1000),
    gcScavengeUsPerMessage: weighted((f) => f.gcScavengeUsPerMessage),
    gcFullCollectionsPer1000: weighted((f) => f.gcFullCollectionsPer1000),
    gcFullUsPerMessage: weighted((f) => f.gcFullUsPerMessage),
    simulatorCpuUsPerMessage: weighted((f) => f.simulatorCpuUsPerMessage ?? 0),
    rssMb: Math.max(before.rssMb, after.rssMb),
    before,
    after,
  };
}

/**
 * CPU per message of every process in each run: the two runs share a machine of 2 cores with the
 * simulator, and the campaign with the data layer too (on Wix, Wix Data's CPU is not the site's).
 */
export function cpuFigures(campaignFigures: Record<string, unknown>, bare: BareFigures): Record<string, unknown> {
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  const campaignRun = { sender: num(campaignFigures['cpuUsPerMessage']), dataLayer: campaignFigures['dataLayerCpuUsPerMessage'] ?? null, simulator: num(campaignFigures['simulatorCpuUsPerMessage']) };
  const bareRun = { sender: bare.cpuUsPerMessage, simulator: bare.simulatorCpuUsPerMessage ?? 0 };
  // The sending thread: its event-loop active time per message, its own CPU time (of which its GC
  // pauses, scavenges apart from full collections), the difference (ready to run, waiting for a
  // core), and the CPU of the process's other threads (V8's GC helpers and compiler, libuv), which
  // compete with it for the two cores.
  const gcOf = (f: Partial<Record<keyof GcFigures, unknown>>): Record<string, number> => ({
    pauseUs: num(f.gcPauseUsPerMessage),
    scavengesPer1000: num(f.gcScavengesPer1000),
    scavengeUs: num(f.gcScavengeUsPerMessage),
    fullCollectionsPer1000: num(f.gcFullCollectionsPer1000),
    fullUs: num(f.gcFullUsPerMessage),
  });
  const thread = (activeUs: number, cpuUs: unknown, gc: Record<string, number>, processUs: number): Record<string, unknown> =>
    typeof cpuUs === 'number'
      ? { activeUs, cpuUs, gc, waitingForCoreUs: round(Math.max(0, activeUs - cpuUs)), otherThreadsCpuUs: round(Math.max(0, processUs - cpuUs)) }
      : { activeUs, cpuUs: null, gc, waitingForCoreUs: null, otherThreadsCpuUs: null };
  const campaignMachine = round(campaignRun.sender + num(campaignRun.dataLayer) + campaignRun.simulator);
  const cores = availableParallelism();
  // The fastest the campaign could go if its three processes kept every core busy: a bound this
  // machine sets, not a measurement.
  const ceiling = campaignMachine > 0 ? Math.round((cores * 1_000_000) / campaignMachine) : 0;
  return {
    sendingThread: {
      campaign: thread(num(campaignFigures['threadUsPerMessage']), campaignFigures['threadCpuUsPerMessage'], gcOf(campaignFigures), campaignRun.sender),
      bareLoop: thread(bare.threadUsPerMessage, bare.threadCpuUsPerMessage, gcOf(bare), bareRun.sender),
    },
    campaign: { ...campaignRun, machine: campaignMachine },
    bareLoop: { ...bareRun, machine: round(bareRun.sender + bareRun.simulator) },
    campaignCeilingOnTheseCores: { cores, messagesPerSecond: ceiling, vsBare: bare.messagesPerSecond > 0 ? round(ceiling / bare.messagesPerSecond, 3) : 0 },
    // Bare ÷ campaign sender CPU: what the campaign's own work adds to each SDK call, whatever the load beside it.
    senderBareVsCampaign: campaignRun.sender === 0 ? 0 : round(bareRun.sender / campaignRun.sender, 3),
  };
}
