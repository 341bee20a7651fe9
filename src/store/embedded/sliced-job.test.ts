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
