/** Local `wix-members-backend`: the member behind the current call (the host's sign-in cookie). */
import { currentCall, runtime } from '../runtime';

async function getMember(): Promise<{ _id: string; loginEmail: string; contactDetails: { firstName: string; lastName: string } } | undefined> {
  const { memberId } = currentCall().identity;
  if (memberId === null) return undefined;
  const member = runtime().members.get(memberId);
  if (!member) return undefined;
  return { _id: member._id, loginEmail: member.loginEmail, contactDetails: { firstName: member.firstName, lastName: member.lastName } };
}

async function getRoles(): Promise<{ _id: string; title: string }[]> {
  return currentCall().identity.roles.map((role) => ({ _id: role.toLowerCase(), title: role }));
}

export const currentMember = { getMember, getRoles };
