import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { startAnnBuildThread } from './ann-build-thread';
import { AnnIndex, type AnnIndexConfig } from './ann-index';
import { projectedFashionMnist } from './testing/projected-fashion-mnist';
import { VectorTable } from './vector-table';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'discern-ann-build-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const DIMENSION = 16;
const CONFIG: AnnIndexConfig = { connectivity: 16, expansionAdd: 48, expansionSearch: 128, threads: 1 };

async function tableOf(count: number, offset = 0): Promise<VectorTable> {
  const table = new VectorTable(DIMENSION);
  (await projectedFashionMnist({ count, offset, dimension: DIMENSION })).forEach((vector, i) => table.put(`img-${offset + i}`, vector, {}));
  return table;
}

function buildThread(table: VectorTable) {
  return startAnnBuildThread(table, { dimension: DIMENSION, distance: 'cosine', config: CONFIG, auditSamples: 32, nice: 10 });
}

describe('approximate index built in its own thread', () => {
  it('finds exactly what an index built on the calling thread finds, writes included', async () => {
    const table = await tableOf(4_000);
    const build = buildThread(table);
    build.snapshot();
    // Writes after the snapshot: a removal, a moved point and new points, handed over in order.
    const removed = table.ids.slice(0, 200);
    for (const id of removed) table.remove(id);
    table.put('img-500', table.vectorAt(table.slotOf('img-3000')!), {});
    const added = await tableOf(500, 10_000);
    for (const id of added.ids) table.put(id, added.vectorAt(added.slotOf(id)!), {});
    build.sync([...removed, 'img-500', ...added.ids]);

    const path = join(await tempDir(), 'graph.usearch');
    const finished = await build.finish(path);
    await build.stop();
    const threaded = AnnIndex.load(table, 'cosine', CONFIG, path, finished.keys);
    expect(finished.indexed).toBe(table.size);
    expect(finished.recall).toBeGreaterThanOrEqual(0.95);

    // The same history on this thread, one insertion at a time as in the build thread.
    const mirror = new VectorTable(DIMENSION);
    const reference = new AnnIndex(mirror, 'cosine', CONFIG);
    const original = await tableOf(4_000);
    for (const id of original.ids) mirror.put(id, original.vectorAt(original.slotOf(id)!), {});
    reference.touch(mirror.ids);
    while (!reference.indexPending(1_000));
    for (const id of removed) mirror.remove(id);
    mirror.put('img-500', table.vectorAt(table.slotOf('img-500')!), {});
    for (const id of added.ids) mirror.put(id, added.vectorAt(added.slotOf(id)!), {});
    reference.touch([...removed, 'img-500', ...added.ids]);
    while (!reference.indexPending(1_000));

    const queries = await projectedFashionMnist({ count: 50, offset: 69_000, dimension: DIMENSION });
    for (const query of queries) {
      const ids = (index: AnnIndex, rows: VectorTable) => index.search(query, 10).map((hit) => [rows.ids[hit.slot], hit.score.toFixed(5)]);
      expect(ids(threaded, table)).toEqual(ids(reference, mirror));
    }
    expect(threaded.search(queries[0], 4_300).map((hit) => table.ids[hit.slot])).not.toContain(removed[0]);
  }, 60_000);

  it('leaves the calling thread free while it builds a large index', async () => {
    const table = await tableOf(30_000);
    const build = buildThread(table);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    // Warm up (thread start, module loading) before measuring the build itself.
    build.sync(table.ids.slice(0, 100));
    await build.finish(join(await tempDir(), 'warm.usearch'));
    build.sync(table.ids.slice(100));

    const before = performance.eventLoopUtilization();
    delay.enable();
    const started = performance.now();
    const finished = await build.finish(join(await tempDir(), 'graph.usearch'));
    delay.disable();
    const busy = performance.eventLoopUtilization(before);
    await build.stop();
    expect(finished.indexed).toBe(30_000);
    // Insertion that takes a while (seconds on a loaded machine) happened elsewhere...
    expect(performance.now() - started).toBeGreaterThan(300);
    // ...while this thread stayed idle (on it, the build would keep the loop busy throughout, or
    // for its configured share) and its turns came on time (loose: the machine may be loaded).
    expect(busy.utilization).toBeLessThan(0.15);
    expect(delay.percentile(99) / 1e6).toBeLessThan(100);
  }, 120_000);

  it('reports a build that fails in the background, and answers a later finish with that failure', async () => {
    const table = await tableOf(100);
    // usearch refuses a zero-dimensional index: the thread fails as it starts.
    const build = startAnnBuildThread(table, { dimension: 0, distance: 'cosine', config: CONFIG, auditSamples: 32, nice: 0 });
    const failed = new Promise<Error>((resolve) => build.onFailure(resolve));
    expect((await failed).message).toMatch(/dimensions/);
    await expect(build.finish(join(await tempDir(), 'graph.usearch'))).rejects.toThrow(/dimensions/);
    await build.stop();
  }, 60_000);

  it('can be stopped: a build that is no longer wanted ends and its waiter hears so', async () => {
    const table = await tableOf(20_000);
    const build = buildThread(table);
    build.sync(table.ids);
    const finishing = build.finish(join(await tempDir(), 'graph.usearch'));
    await build.stop();
    await expect(finishing).rejects.toThrow(/stopped/);
    expect(build.failure).toBeDefined();
  }, 60_000);
});
