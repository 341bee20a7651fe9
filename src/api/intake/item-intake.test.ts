import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumedRecord, Queue, TopicName } from '../../core/queue';
import { commitAsTrainer } from '../../../test/support/api/commit-as-trainer';
import { startCatalogFixture, type FixtureItem } from '../../../test/support/api/test-catalog-fixture';

const SIDE = 8;
const grid = (seed: number) => Array.from({ length: SIDE * SIDE }, (_, i) => (seed * 31 + i * 7) % 256);
const ITEMS: FixtureItem[] = Array.from({ length: 4 }, (_, i) => ({ id: `item-${i}`, label: i % 2 ? 'bag' : 'shoe', input: grid(i) }));

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

type ErrorBody = { error: { code: string; message: string; issues: { path: string; message: string }[] } };

/** Posts and expects a 400 whose issues name exactly `paths`. */
async function expectRefused(url: string, body: unknown, paths: string[], message?: RegExp): Promise<ErrorBody> {
  const res = await post(url, body);
  const json = (await res.json()) as ErrorBody;
  expect(res.status, JSON.stringify(json)).toBe(400);
  expect(json.error.issues.map((i) => i.path)).toEqual(paths);
  expect(json.error.message.startsWith(`${paths[0]}: `)).toBe(true);
  if (message) expect(json.error.message).toMatch(message);
  return json;
}

async function recordsOf(queue: Queue, topic: TopicName): Promise<ConsumedRecord[]> {
  const reader = await queue.reader(topic);
  const out: ConsumedRecord[] = [];
  for (let batch = await reader.poll(1000, 100); batch.length > 0; batch = await reader.poll(1000, 100)) out.push(...batch);
  await reader.close();
  return out;
}

/** PNG chunks: offset of the length field, data length and type. */
function pngChunks(png: Buffer): { at: number; length: number; type: string }[] {
  const chunks = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    chunks.push({ at, length, type: png.toString('latin1', at + 4, at + 8) });
    at += 12 + length;
  }
  return chunks;
}

/** The PNG with its IHDR saying `width`×`height`, CRC recomputed so only the size is wrong. */
function withDeclaredSize(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  const ihdr = pngChunks(out).find((c) => c.type === 'IHDR')!;
  out.writeUInt32BE(width, ihdr.at + 8);
  out.writeUInt32BE(height, ihdr.at + 12);
  out.writeUInt32BE(crc32(out.subarray(ihdr.at + 4, ihdr.at + 8 + ihdr.length)), ihdr.at + 8 + ihdr.length);
  return out;
}

describe('item intake against an image model', () => {
  let f: Awaited<ReturnType<typeof startCatalogFixture>>;
  let png: Buffer;
  let jpeg: Buffer;
  const b64 = (bytes: Buffer) => bytes.toString('base64');

  beforeAll(async () => {
    f = await startCatalogFixture({ input: { kind: 'image', height: SIDE, width: SIDE, channels: 1 }, items: ITEMS, env: { MAX_IMAGE_PIXELS: '40000' } });
    const noise = Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 37) % 251));
    png = await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer();
    jpeg = await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  });
  afterAll(() => f?.close());

  it('accepts whole PNGs and JPEGs, pixels, and metadata-only updates of indexed or just-added items', async () => {
    const res = await post(`${f.url}/v1/items`, {
      items: [
        { id: 'png-1', image: b64(png) },
        { id: 'jpeg-1', image: b64(jpeg) },
        { id: 'pix-1', pixels: { width: SIDE, height: SIDE, channels: 1, data: grid(9) } },
        { id: 'item-1', label: 'boot' },
      ],
    });
    expect(res.status).toBe(202);
    // Added by the request before: known although not indexed yet.
    expect((await post(`${f.url}/v1/items`, { items: [{ id: 'png-1', attributes: { color: 'red' } }] })).status).toBe(202);
  });

  it('refuses truncated and bad-CRC PNGs and corrupt or truncated JPEGs, naming the field', async () => {
    const idat = pngChunks(png).find((c) => c.type === 'IDAT')!;
    const badCrc = Buffer.from(png);
    badCrc[idat.at + 8 + idat.length] ^= 0xff;
    const corruptScan = Buffer.from(jpeg);
    corruptScan.fill(0xff, Math.floor(jpeg.length / 2), Math.floor(jpeg.length / 2) + 40);
    const cases: [string, Buffer][] = [
      ['truncated PNG', png.subarray(0, Math.floor(png.length * 0.6))],
      ['PNG with a bad IDAT CRC', badCrc],
      ['truncated JPEG', jpeg.subarray(0, Math.floor(jpeg.length * 0.6))],
      ['JPEG with corrupt scan data', corruptScan],
    ];
    for (const [name, bytes] of cases) {
      const body = await expectRefused(`${f.url}/v1/items`, { items: [{ id: 'ok-first', pixels: { width: SIDE, height: SIDE, channels: 1, data: grid(1) } }, { id: 'bad', image: b64(bytes) }] }, ['items.1.image']);
      expect(body.error.code, name).toBe('invalid_image');
      expect(body.error.issues[0].message, name).toMatch(/^is a (PNG|JPEG) file that is truncated or damaged, so it cannot be decoded$/);
    }
  });

  it('refuses images declaring more pixels than MAX_IMAGE_PIXELS before decoding them', async () => {
    const huge = withDeclaredSize(png, 50_000, 50_000);
    expect(await sharp(huge, { limitInputPixels: false }).metadata()).toMatchObject({ width: 50_000, height: 50_000 });
    const started = performance.now();
    const body = await expectRefused(`${f.url}/v1/items`, { items: [{ id: 'huge', image: b64(huge) }] }, ['items.0.image'], /50000×50000 = 2500000000 pixels; at most 40000/);
    expect(body.error.code).toBe('image_too_large');
    expect(performance.now() - started).toBeLessThan(5000);
    await expectRefused(`${f.url}/v1/items`, { items: [{ id: 'big', pixels: { width: 250, height: 200, channels: 1, data: new Array(50_000).fill(0) } }] }, ['items.0.pixels'], /250×200/);
  });

  it('refuses vectors for an image model, and contentless items naming no known item', async () => {
    const body = await expectRefused(`${f.url}/v1/items`, { items: [{ id: 'v', vector: [1, 2, 3] }] }, ['items.0.vector'], /model v000001 takes images \(8×8×1\)/);
    expect(body.error.code).toBe('wrong_input_kind');
    // While the trainer has item records to apply, an id it has not indexed yet may still exist
    // (accepted by another API process, or by this one before a restart).
    expect((await post(`${f.url}/v1/items`, { items: [{ id: 'ghost-1', label: 'shoe' }] })).status).toBe(202);
    await commitAsTrainer(f.queue);
    const contentless = { items: [{ id: 'item-0', label: 'x' }, { id: 'ghost-2', label: 'shoe' }, { id: 'ghost-3', attributes: { a: 1 } }, { id: 'ghost-1', label: 'boot' }] };
    await expectRefused(`${f.url}/v1/items`, contentless, ['items.1', 'items.2'], /ghost-2 is neither indexed nor recently added/);
    // A delete makes the id unknown again.
    expect((await fetch(`${f.url}/v1/items/item-3`, { method: 'DELETE' })).status).toBe(202);
    await expectRefused(`${f.url}/v1/items`, { items: [{ id: 'item-3', label: 'x' }] }, ['items.0']);
  });

  it('refuses feedback naming unknown items, and accepts feedback on indexed and just-added ones', async () => {
    await commitAsTrainer(f.queue);
    await expectRefused(
      `${f.url}/v1/feedback`,
      {
        events: [
          { type: 'label', itemId: 'item-0', label: 'shoe' },
          { type: 'pair', a: 'item-1', b: 'nobody', similar: true },
          { type: 'triplet', anchor: 'ghost-a', positive: 'item-2', negative: 'ghost-b' },
        ],
      },
      ['events.1.b', 'events.2.anchor', 'events.2.negative'],
      /no item nobody is indexed or was recently added/,
    );
    expect((await post(`${f.url}/v1/items`, { items: [{ id: 'fresh', pixels: { width: SIDE, height: SIDE, channels: 1, data: grid(5) } }] })).status).toBe(202);
    const ok = await post(`${f.url}/v1/feedback`, { events: [{ type: 'pair', a: 'fresh', b: 'item-0', similar: false }, { type: 'label', itemId: 'fresh', label: 'bag' }] });
    expect(ok.status).toBe(202);
  });

  it('writes nothing of a refused batch', async () => {
    const items = await recordsOf(f.queue, 'items');
    const ids = items.map((r) => r.key);
    expect(ids).not.toContain('ok-first');
    expect(ids).not.toContain('item-0');
    expect(ids).toEqual(expect.arrayContaining(['png-1', 'jpeg-1', 'pix-1', 'item-1', 'fresh', 'item-3', 'ghost-1']));
    const feedback = await recordsOf(f.queue, 'feedback');
    expect(feedback.map((r) => r.key).sort()).toEqual(['fresh', 'fresh']);
  });
});

describe('item intake against a feature-vector model', () => {
  it('refuses images and pixels, and vectors of the wrong length', async () => {
    const f = await startCatalogFixture({ input: { kind: 'features', features: 4 }, items: [{ id: 'a', label: 'x', input: [1, 0, 0, 0] }] });
    try {
      const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } }).png().toBuffer();
      await expectRefused(
        `${f.url}/v1/items`,
        {
          items: [
            { id: 'p', pixels: { width: 2, height: 2, channels: 1, data: [1, 2, 3, 4] } },
            { id: 'i', image: png.toString('base64') },
            { id: 'short', vector: [1, 2, 3] },
            { id: 'fine', vector: [1, 2, 3, 4] },
          ],
        },
        ['items.0.pixels', 'items.1.image', 'items.2.vector'],
        /model v000001 takes feature vectors of 4 values/,
      );
      expect((await post(`${f.url}/v1/items`, { items: [{ id: 'fine', vector: [1, 2, 3, 4] }] })).status).toBe(202);
    } finally {
      await f.close();
    }
  });
});

describe('item intake where the API cannot know', () => {
  it('accepts unknown ids with UNKNOWN_ITEM_IDS=accept (several API processes share the queue)', async () => {
    const f = await startCatalogFixture({ input: { kind: 'features', features: 2 }, items: [], env: { UNKNOWN_ITEM_IDS: 'accept' } });
    try {
      expect((await post(`${f.url}/v1/items`, { items: [{ id: 'elsewhere', label: 'x' }] })).status).toBe(202);
      expect((await post(`${f.url}/v1/feedback`, { events: [{ type: 'pair', a: 'elsewhere', b: 'also-elsewhere', similar: true }] })).status).toBe(202);
      // The live model's input kind is still checked.
      await expectRefused(`${f.url}/v1/items`, { items: [{ id: 'v', vector: [1, 2, 3] }] }, ['items.0.vector']);
    } finally {
      await f.close();
    }
  });
});
