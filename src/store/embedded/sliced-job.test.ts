import { describe, expect, it } from 'vitest';
import { createSlicedJob } from './sliced-job';

describe('createSlicedJob', () => {
  it('runs one step per event loop turn until done, letting other work in between', async () => {
    const order: string[] = [];
    let left = 3;
    const job = createSlicedJob(() => {
      order.push(`step${left}`);
      return --left === 0;
    });
    job.kick();
    job.kick();
    setImmediate(() => order.push('other'));
    await job.idle();
    expect(order).toEqual(['step3', 'other', 'step2', 'step1']);
    await job.idle();
  });

  it('takes at most its share of the time, resting after each step, until hurried', async () => {
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    let steps = 0;
    const share = { value: 0.25 };
    const job = createSlicedJob(
      () => {
        busy(10);
        return ++steps === 6;
      },
      undefined,
      () => share.value,
    );
    const started = performance.now();
    job.kick();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // 10 ms of work and 30 ms of rest per step: about 3 steps in 100 ms, never all 6.
    expect(steps).toBeGreaterThanOrEqual(1);
    expect(steps).toBeLessThan(6);
    share.value = 1;
    job.hurry();
    await job.idle();
    expect(steps).toBe(6);
    // The steps left after the hurry ran back to back, not with rests in between.
    expect(performance.now() - started).toBeLessThan(100 + 6 * 10 + 1_000);
  });

  it('stops on request and reports a throwing step without running it again', async () => {
    let steps = 0;
    const job = createSlicedJob(() => ++steps > 100);
    job.kick();
    const idle = job.idle();
    job.stop();
    await idle;
    expect(steps).toBe(0);

    const errors: unknown[] = [];
    let calls = 0;
    const failing = createSlicedJob(() => {
      calls++;
      throw new Error('boom');
    }, (error) => errors.push(error));
    failing.kick();
    await failing.idle();
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
  });
});
