/** The member behind the current web-method call. */
import { currentMember } from 'wix-members-backend';

export interface CurrentMember {
  readonly memberId: string;
  readonly email: string | null;
  readonly isAdmin: boolean;
}

/** `null` for anonymous visitors. */
export async function getCurrentMember(): Promise<CurrentMember | null> {
  const member = await currentMember.getMember();
  if (!member) return null;
  const roles = await currentMember.getRoles();
  return {
    memberId: member._id,
    email: member.loginEmail ?? null,
    isAdmin: roles.some((role) => role.title === 'Admin'),
  };
}
