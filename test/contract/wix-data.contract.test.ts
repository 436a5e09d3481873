/**
 * Contract tests for `@wix/data` `items`. The shared suites run against the local emulator, the same
 * emulator in a worker thread (local/data/remote) and, when WIX_API_KEY and WIX_SITE_ID are set,
 * against a real Wix site through `@wix/sdk` (collection from WIX_CONTRACT_COLLECTION, default
 * 'ContractTestItems'). Hooks, permissions and strict mode exist only locally and have their own
 * describes, for both local variants.
 */
import { localTarget, remoteConfig, remoteTarget, workerTarget, type ContractTarget } from './target';
import { defineQuerySuite } from './suites/query';
import { defineWriteSuite } from './suites/writes';
import { defineLocalHookSuite } from './suites/local-hooks';
import { defineLocalStrictSuite } from './suites/local-strict';
import { defineWorkerHookSuite } from './suites/worker-hooks';
import { defineWorkerStrictSuite } from './suites/worker-strict';

function sharedSuites(make: () => Promise<ContractTarget>): void {
  let target: ContractTarget | null = null;
  const get = (): ContractTarget => {
    if (!target) throw new Error('contract target not ready');
    return target;
  };
  beforeAll(async () => {
    target = await make();
  });
  afterAll(async () => {
    await target?.close();
  });
  defineQuerySuite(get);
  defineWriteSuite(get);
}

describe('wix-data contract: local emulator', () => {
  sharedSuites(async () => localTarget());
});

describe('wix-data contract: local emulator in a worker thread', () => {
  sharedSuites(workerTarget);
});

const remote = remoteConfig();
if (!remote) {
  console.info('wix-data contract: real Wix site skipped — set WIX_API_KEY and WIX_SITE_ID (and optionally WIX_CONTRACT_COLLECTION) to run the same suite remotely.');
}
(remote ? describe : describe.skip)('wix-data contract: real Wix site (skipped unless WIX_API_KEY and WIX_SITE_ID are set)', () => {
  jest.setTimeout(120_000);
  sharedSuites(async () => {
    if (!remote) throw new Error('unreachable: remote config missing');
    return remoteTarget(remote);
  });
});

describe('wix-data emulator: local-only behaviour', () => {
  defineLocalHookSuite();
  defineLocalStrictSuite();
});

describe('wix-data emulator in a worker thread: local-only behaviour', () => {
  defineWorkerHookSuite();
  defineWorkerStrictSuite();
});
