import { pixelsField, postJson } from './http-json';

export interface QueryTarget {
  name: string;
  url: string;
}

export interface Observation {
  target: string;
  kind: 'embed' | 'search';
  /** Index into the query images. */
  query: number;
  status: number;
  body: any;
}

/**
 * Keeps `loops` requests in flight per target and kind (`/v1/embed` and `/v1/search` by
 * pixels), cycling through `images`, until `stop()`; resolves with every answer seen.
 *
 * @example
 * const load = queryContinuously([{ name: 'edge', url }], images, { loops: 2, k: 10 });
 * await swapVersions();
 * const observations = await load.stop();
 */
export function queryContinuously(targets: QueryTarget[], images: Uint8Array[], options: { loops: number; k: number }) {
  const observations: Observation[] = [];
  let running = true;
  let next = 0;

  async function loop(target: QueryTarget, kind: Observation['kind']) {
    while (running) {
      const query = next++ % images.length;
      const body = kind === 'embed' ? { pixels: pixelsField(images[query]) } : { pixels: pixelsField(images[query]), k: options.k };
      try {
        const answer = await postJson(target.url, `/v1/${kind}`, body);
        observations.push({ target: target.name, kind, query, ...answer });
      } catch (error) {
        observations.push({ target: target.name, kind, query, status: 0, body: { error: String(error) } });
      }
    }
  }

  const loops = targets.flatMap((target) => (['embed', 'search'] as const).flatMap((kind) => Array.from({ length: options.loops }, () => loop(target, kind))));
  return {
    observations,
    async stop(): Promise<Observation[]> {
      running = false;
      await Promise.all(loops);
      return observations;
    },
  };
}
