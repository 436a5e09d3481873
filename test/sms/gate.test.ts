/** The send gate: open only on a status read started within the interval; reads ahead; closes for good. */
import { createSendGate, sendsOn } from '../../src/backend/sms/gate';
import { installTestRuntime, type TestRuntime } from '../support/runtime';

describe('send gate', () => {
  let rt: TestRuntime;
  let clock = 0;
  const gateFor = (run = 0) => createSendGate({ campaignId: 'c1', run, intervalMs: 1000, monotonicMs: () => clock });
  const setStatus = (status: string, run = 0) => rt.asJob(() => rt.emulator.items.save('SMSCampaigns', { _id: 'c1', status, run_number: run, archived_at: null }));
  const reads = () => rt.emulator.stats().byCollection['SMSCampaigns']?.reads ?? 0;

  beforeEach(async () => {
    rt = installTestRuntime();
    clock = 0;
    await setStatus('active');
  });
  afterEach(() => rt.close());

  it('reads once, then answers from that read until 70% of the interval, reading ahead without waiting', async () => {
    const gate = gateFor();
    expect(await rt.asJob(async () => gate.open())).toBe(true);
    expect(reads()).toBe(1);
    clock = 600;
    expect(await rt.asJob(async () => gate.open())).toBe(true);
    expect(reads()).toBe(1);
    // While the read is fresh the answer is synchronous: no promise per message.
    await expect(rt.asJob(async () => gate.open() === true)).resolves.toBe(true);
    // Past 70%: still open on the old read, a new one starts in the background.
    await setStatus('paused');
    clock = 750;
    expect(await rt.asJob(async () => gate.open())).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads()).toBe(2);
    expect(gate.closed).toBe(true);
    expect(await rt.asJob(async () => gate.open())).toBe(false);
  });

  it('past the interval every caller waits for one shared read; a stop it sees is final', async () => {
    const gate = gateFor();
    await rt.asJob(async () => gate.open());
    await setStatus('paused');
    clock = 1500;
    const answers = await rt.asJob(() => Promise.all(Array.from({ length: 20 }, () => gate.open())));
    expect(answers.every((a) => a === false)).toBe(true);
    expect(reads()).toBe(2);
    await setStatus('active');
    clock = 5000;
    expect(await rt.asJob(async () => gate.open())).toBe(false);
    expect(reads()).toBe(2);
  });

  it('a campaign on another run, archived or gone does not send', () => {
    expect(sendsOn({ status: 'active', archived_at: null, run_number: 1 }, 1)).toBe(true);
    expect(sendsOn({ status: 'active', archived_at: null, run_number: 2 }, 1)).toBe(false);
    expect(sendsOn({ status: 'active', archived_at: new Date(0), run_number: 1 }, 1)).toBe(false);
    expect(sendsOn({ status: 'scheduled', archived_at: null, run_number: 1 }, 1)).toBe(false);
    expect(sendsOn(null, 0)).toBe(false);
  });
});
