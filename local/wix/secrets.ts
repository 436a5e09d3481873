/** Local `@wix/secrets`: values come from the environment / `.env.local` (see local/host/secrets.ts). */
import { currentCall, runtime } from '../runtime';

async function getSecretValue(name: string): Promise<{ value: string }> {
  // On Wix, reading secrets is an admin method: site code must call it through auth.elevate.
  const call = currentCall();
  if (!call.elevated && !call.identity.roles.includes('Admin')) {
    throw Object.assign(new Error(`Permission denied: getSecretValue('${name}') must be called through auth.elevate`), { code: 'PERMISSION_DENIED' });
  }
  const value = runtime().secrets.get(name);
  if (value === undefined) {
    throw Object.assign(new Error(`Secret '${name}' not found`), { code: 'SECRET_NOT_FOUND' });
  }
  return { value };
}

export const secrets = { getSecretValue };
