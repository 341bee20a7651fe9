/** Something that may end early, such as a child process the condition depends on. */
export interface Watched {
  alive(): boolean;
  describe(): string;
  logTail(n?: number): string;
}

/**
 * Polls `probe` until it returns a truthy value, which it resolves with. Fails with `what` once
 * `timeoutMs` has passed, or at once when a watched process has died (with its last log lines),
 * so a crash reads as a crash rather than as a timeout.
 *
 * @example
 * const status = await waitFor('all items consumed', async () => (await readTrainerStatus(dir))?.consumed.items === 400, 60_000);
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs: number,
  options: { watch?: Watched[]; intervalMs?: number; last?: () => unknown } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    for (const w of options.watch ?? []) {
      if (!w.alive()) throw new Error(`${w.describe()} ended while waiting for ${what}:\n${w.logTail()}`);
    }
    if (Date.now() > deadline) {
      const last = options.last ? `; last seen: ${JSON.stringify(options.last())}` : '';
      const logs = (options.watch ?? []).map((w) => `\n--- ${w.describe()} ---\n${w.logTail(20)}`).join('');
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
