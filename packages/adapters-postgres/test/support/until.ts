/**
 * Polls `find` every 20 ms until it returns something, for a state another connection or process reaches
 * (a session waiting on a lock, a notice delivered); fails naming `what` after `ms`.
 */
export async function until<T>(what: string, find: () => Promise<T | undefined>, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
