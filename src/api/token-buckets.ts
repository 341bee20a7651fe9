interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in milliseconds. */
  at: number;
}

/**
 * One token bucket per client: each holds up to `burst` tokens and refills at `perSecond`;
 * a request takes one. Clients whose bucket is full again are forgotten when more than
 * `maxClients` are tracked, so memory stays bounded however many clients come and go.
 *
 * @example
 * const buckets = new TokenBuckets({ perSecond: 10, burst: 20 });
 * const wait = buckets.take('key:0'); // 0: go ahead; otherwise seconds until a token is free
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly burst: number;
  private readonly maxClients: number;
  private readonly now: () => number;

  constructor(options: { perSecond: number; burst: number; maxClients?: number; now?: () => number }) {
    if (!(options.perSecond > 0) || !(options.burst >= 1)) throw new Error(`TokenBuckets: perSecond must be > 0 and burst ≥ 1 (got ${options.perSecond}, ${options.burst})`);
    this.perMs = options.perSecond / 1000;
    this.burst = options.burst;
    this.maxClients = options.maxClients ?? 100_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Takes a token from `client`'s bucket: 0 when there was one, else the seconds until there is. */
  take(client: string): number {
    const now = this.now();
    let bucket = this.buckets.get(client);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxClients) this.forgetIdle(now);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(client, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / this.perMs / 1000;
  }

  /** Clients tracked right now. */
  get size(): number {
    return this.buckets.size;
  }

  private forgetIdle(now: number): void {
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.burst) this.buckets.delete(client);
    }
    // Every client still busy: drop the longest-tracked one rather than grow without bound.
    if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
  }
}
