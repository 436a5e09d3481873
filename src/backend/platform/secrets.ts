/** Secrets from the Wix Secrets Manager (locally: environment / .env.local / simulator defaults). */
import { auth } from '@wix/essentials';
import { secrets } from '@wix/secrets';

const elevatedGetSecretValue = auth.elevate(secrets.getSecretValue);

export class MissingSecretError extends Error {
  constructor(readonly secretName: string) {
    super(`Secret '${secretName}' is not configured in the Secrets Manager`);
    this.name = 'MissingSecretError';
  }
}

/** Reads a secret; never log the value. */
export async function getSecret(name: string): Promise<string> {
  let value: string | undefined;
  try {
    value = (await elevatedGetSecretValue(name)).value;
  } catch {
    throw new MissingSecretError(name);
  }
  if (!value) throw new MissingSecretError(name);
  return value;
}

/** Reads a secret that may be absent (e.g. optional simulator overrides). */
export async function getOptionalSecret(name: string): Promise<string | null> {
  try {
    return await getSecret(name);
  } catch (error) {
    if (error instanceof MissingSecretError) return null;
    throw error;
  }
}
