export interface RetryOptions {
  /** Attempts in all, the first included (default 5). */
  attempts?: number;
  /** Delay before the first retry; doubles each time, with jitter (default 100 ms). */
  baseDelayMs?: number;
  /** Whether an error is worth another attempt. */
  retryable: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `operation`, retrying transient failures with exponential backoff and full jitter.
 *
 * @example
 * await withRetry(() => client.upsert(name, batch), { retryable: isTransient });
 */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !options.retryable(error)) throw error;
      const delayMs = Math.round(base * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
      options.onRetry?.(error, attempt, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
