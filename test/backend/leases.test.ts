import { acquireLease, checkpointLease, LeaseLostError, releaseLease } from '../../src/backend/jobs/leases';
import { recordSchedulerHeartbeat } from '../../src/backend/jobs';
import { installTestRuntime, type TestRuntime } from '../support/runtime';

describe('job leases', () => {
  let rt: TestRuntime;
  beforeEach(() => {
    rt = installTestRuntime();
  });
  afterEach(() => rt.close());

  it('lets exactly one of several overlapping runs hold the lease', async () => {
    const results = await rt.asJob(() => Promise.all(['a', 'b', 'c', 'd'].map((holder) => acquireLease('sendQueue', holder, 60_000))));
    const held = results.filter((r) => r !== null);
    expect(held).toHaveLength(1);
    expect(held[0]?.generation).toBe(0);
  });

  it('refuses a second run while the lease is live and hands over after it expires, carrying the cursor', async () => {
    await rt.asJob(async () => {
      const first = await acquireLease('sendQueue', 'run-1', 60_000);
      if (!first) throw new Error('first run should hold the lease');
      await checkpointLease(first, { after: 'drv-0500' }, 60_000);
      rt.clock.advance(30_000);
      expect(await acquireLease('sendQueue', 'run-2', 60_000)).toBeNull();
      rt.clock.advance(61_000);
      const second = await acquireLease('sendQueue', 'run-2', 60_000);
      expect(second).toMatchObject({ generation: 1, holder: 'run-2', cursor: { after: 'drv-0500' } });
      // The expired holder learns it lost the lease and cannot overwrite the cursor.
      await expect(checkpointLease(first, { after: 'drv-0999' }, 60_000)).rejects.toBeInstanceOf(LeaseLostError);
      if (!second) throw new Error('no lease');
      await checkpointLease(second, { after: 'drv-0700' }, 60_000);
    });
  });

  it('a partial run leaves its cursor for the next run; a completed run clears it', async () => {
    await rt.asJob(async () => {
      const run1 = await acquireLease('drip', 'run-1', 60_000);
      if (!run1) throw new Error('no lease');
      await releaseLease(run1, 'partial', { page: 3 });
      const run2 = await acquireLease('drip', 'run-2', 60_000);
      expect(run2?.cursor).toEqual({ page: 3 });
      if (!run2) throw new Error('no lease');
      await releaseLease(run2, 'completed', { page: 9 });
      const run3 = await acquireLease('drip', 'run-3', 60_000);
      expect(run3?.cursor).toBeNull();
    });
  });

  it('the heartbeat job runs once when delivered twice at the same time', async () => {
    const reports = await rt.asJob(() => Promise.all([recordSchedulerHeartbeat(), recordSchedulerHeartbeat()]));
    expect(reports.filter((r) => r.ran)).toHaveLength(1);
    expect(reports.find((r) => !r.ran)?.reason).toMatch(/lease/);
  });
});
