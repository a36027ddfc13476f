import { TicketkitError } from '@ticketkit/core';

/**
 * Loads an optional peer dependency when it is first needed, so a host pays
 * only for the parts it uses; its absence is a clear error naming it.
 */
export async function loadPeer<T>(name: string, load: () => Promise<T>, purpose: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new TicketkitError(
      'VALIDATION_FAILED',
      `${purpose} needs the package '${name}': install it next to @ticketkit/email (npm install ${name})`,
      { issues: [{ path: [name], message: `cannot load '${name}': ${(error as Error).message}` }], cause: error },
    );
  }
}
