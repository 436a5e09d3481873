/** The members the host knows (seeded recruiters + admin) and the sign-in cookie that names one. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { ANONYMOUS, type CallIdentity, type LocalMember } from '../runtime';
import { parseCookies } from './http-util';

export const MEMBER_COOKIE = 'wixLocalMember';

export class MemberDirectory {
  private readonly byId = new Map<string, LocalMember>();
  constructor(members: readonly LocalMember[] = []) {
    this.replace(members);
  }
  replace(members: readonly LocalMember[]): void {
    this.byId.clear();
    for (const m of members) this.byId.set(m._id, m);
  }
  list(): readonly LocalMember[] {
    return [...this.byId.values()];
  }
  get(memberId: string): LocalMember | undefined {
    return this.byId.get(memberId);
  }
}

/** Signs the member cookie so a page cannot claim another member by editing it. */
export class MemberCookies {
  constructor(private readonly key: Buffer) {}

  static forDataDir(dataDir: string): MemberCookies {
    const file = path.join(dataDir, 'session-key');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    }
    return new MemberCookies(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64'));
  }

  value(memberId: string): string {
    return `${memberId}.${this.sign(memberId)}`;
  }

  setCookieHeader(memberId: string | null): string {
    if (memberId === null) return `${MEMBER_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
    return `${MEMBER_COOKIE}=${encodeURIComponent(this.value(memberId))}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000`;
  }

  /** The member id in a request's cookie, if the signature holds. */
  memberIdOf(req: IncomingMessage): string | null {
    const raw = parseCookies(req.headers.cookie).get(MEMBER_COOKIE);
    if (!raw) return null;
    const dot = raw.lastIndexOf('.');
    if (dot <= 0) return null;
    const id = raw.slice(0, dot);
    const given = Buffer.from(raw.slice(dot + 1));
    const expected = Buffer.from(this.sign(id));
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
  }

  private sign(memberId: string): string {
    return createHmac('sha256', this.key).update(memberId).digest('base64url');
  }
}

/** The caller's identity: the signed-in member and their roles, or an anonymous visitor. */
export function identityOf(req: IncomingMessage, cookies: MemberCookies, members: MemberDirectory): { identity: CallIdentity; member: LocalMember | null } {
  const id = cookies.memberIdOf(req);
  const member = id === null ? undefined : members.get(id);
  if (!member) return { identity: ANONYMOUS, member: null };
  const roles = member.roles.includes('SiteMember') ? member.roles : [...member.roles, 'SiteMember' as const];
  return { identity: { memberId: member._id, roles }, member };
}
