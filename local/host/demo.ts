/**
 * Demo members (local/seed `demoMembers`: three recruiters and the site admin) and the demo-data
 * seeder (local/seed/seed.ts). Both are imported lazily: the seeder's generators load after the
 * server listens, so the health check never waits for them.
 */
import type { LocalMember } from '../runtime';
import type { SeedOptions, SeedReport } from '../seed/seed';

export async function loadDemoMembers(): Promise<{ members: LocalMember[]; note: string | null }> {
  const { demoMembers } = await import('../seed/demo-entities');
  const members = demoMembers();
  return { members, note: members.length === 0 ? 'local/seed demoMembers() returned no members.' : null };
}

export async function loadSeeder(): Promise<(options: SeedOptions) => Promise<SeedReport>> {
  const { seedDemoData } = await import('../seed/seed');
  return seedDemoData;
}
