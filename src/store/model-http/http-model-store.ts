import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { ModelStoreError, type ModelStore, type ModelVersionInfo } from '../../core/model-store';
import { createLogger } from '../../log/logger';
import { MODEL_VERSION_ID_PATTERN } from '../../core/model-version-id';

export interface HttpModelStoreOptions {
  /** Base URL of a served model store (`MODEL_STORE_URL`), e.g. `http://trainer:8090`. */
  url: string;
  /** Local cache of fetched versions; versions are immutable, so it never goes stale. */
  cacheDir: string;
  /** Sent as `Authorization: Bearer …` when set. */
  apiKey?: string;
  /** Per request (default 30 s). */
  timeoutMs?: number;
}

/**
 * A read-only `ModelStore` over HTTP, for processes that share no disk with the trainer: reads
 * what `serveModelStore` serves and keeps each fetched version (info and ONNX bytes) in
 * `cacheDir`, so a version is downloaded once per machine and stays readable while the server
 * is away. `list()` asks the server (falling back to the cache when it cannot be reached) and
 * drops cached versions the server no longer has. `put` and `delete` refuse with `read_only`;
 * `checkpointDir` is always undefined (checkpoints stay with the trainer).
 *
 * @example
 * const models = createHttpModelStore({ url: 'http://trainer:8090', cacheDir: '.data/model-cache' });
 * const info = await models.get('v000012');
 * const bytes = await models.onnx('v000012');
 */
export function createHttpModelStore(options: HttpModelStoreOptions): ModelStore {
  if (typeof options?.url !== 'string' || !/^https?:\/\//.test(options.url)) throw new ModelStoreError('url: must be an http(s) URL', 'invalid_argument', 'url');
  if (typeof options.cacheDir !== 'string' || options.cacheDir === '') throw new ModelStoreError('cacheDir: must be a non-empty path', 'invalid_argument', 'cacheDir');
  const base = options.url.replace(/\/+$/, '');
  const log = createLogger('model-store.http');
  const infos = new Map<string, ModelVersionInfo>();

  function checkId(id: string): string {
    if (typeof id !== 'string' || !MODEL_VERSION_ID_PATTERN.test(id)) {
      throw new ModelStoreError(`id: must match ${MODEL_VERSION_ID_PATTERN} (got ${JSON.stringify(id)})`, 'invalid_argument', 'id');
    }
    return id;
  }

  async function request(path: string): Promise<Response> {
    try {
      return await fetch(`${base}${path}`, {
        headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new ModelStoreError(`model store at ${base} cannot be reached: ${(error as Error).message}`, 'unavailable', undefined, { cause: error });
    }
  }

  async function expectOk(response: Response, what: string): Promise<Response> {
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    const message = `model store at ${base} answered ${response.status} for ${what}: ${text.slice(0, 200)}`;
    throw response.status >= 500 ? new ModelStoreError(message, 'unavailable') : new Error(message);
  }

  async function cached<T>(id: string, file: string, parse: (bytes: Buffer) => T): Promise<T | undefined> {
    try {
      return parse(await readFile(join(options.cacheDir, id, file)));
    } catch {
      return undefined;
    }
  }

  async function keep(id: string, file: string, data: Buffer | string): Promise<void> {
    await mkdir(join(options.cacheDir, id), { recursive: true });
    await writeFileAtomic(join(options.cacheDir, id, file), data);
  }

  async function get(id: string): Promise<ModelVersionInfo | undefined> {
    checkId(id);
    const known = infos.get(id) ?? (await cached(id, 'info.json', (b) => JSON.parse(b.toString('utf8')) as ModelVersionInfo));
    if (known) {
      infos.set(id, known);
      return known;
    }
    const response = await request(`/v1/versions/${id}`);
    if (response.status === 404) return undefined;
    const info = (await (await expectOk(response, `version ${id}`)).json()) as ModelVersionInfo;
    await keep(id, 'info.json', JSON.stringify(info));
    infos.set(id, info);
    return info;
  }

  async function onnx(id: string): Promise<Uint8Array> {
    checkId(id);
    const known = await cached(id, 'model.onnx', (b) => new Uint8Array(b));
    if (known) return known;
    const response = await request(`/v1/versions/${id}/model.onnx`);
    if (response.status === 404) throw new ModelStoreError(`id: model version ${id} not found`, 'not_found', 'id');
    const bytes = new Uint8Array(await (await expectOk(response, `version ${id}'s model`)).arrayBuffer());
    await keep(id, 'model.onnx', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return bytes;
  }

  async function list(): Promise<ModelVersionInfo[]> {
    let versions: ModelVersionInfo[];
    try {
      const response = await expectOk(await request('/v1/versions'), 'the version list');
      versions = ((await response.json()) as { versions: ModelVersionInfo[] }).versions;
    } catch (error) {
      log.warn({ err: error }, 'model store unreachable; listing the cached versions');
      const ids = (await readdir(options.cacheDir).catch(() => [] as string[])).filter((id) => MODEL_VERSION_ID_PATTERN.test(id)).sort();
      const found = await Promise.all(ids.map((id) => cached(id, 'info.json', (b) => JSON.parse(b.toString('utf8')) as ModelVersionInfo)));
      return found.filter((info): info is ModelVersionInfo => info !== undefined);
    }
    const live = new Set(versions.map((v) => v.id));
    for (const id of [...infos.keys()]) if (!live.has(id)) infos.delete(id);
    for (const id of await readdir(options.cacheDir).catch(() => [] as string[])) {
      if (MODEL_VERSION_ID_PATTERN.test(id) && !live.has(id)) await rm(join(options.cacheDir, id), { recursive: true, force: true });
    }
    return versions;
  }

  const readOnly = async (): Promise<never> => {
    throw new ModelStoreError(`model store at ${base} is read-only: versions are written by the trainer`, 'read_only');
  };

  return { put: readOnly, delete: readOnly, get, onnx, list, checkpointDir: async (id: string) => (checkId(id), undefined) };
}
