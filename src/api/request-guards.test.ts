import { describe, expect, it } from 'vitest';
import { VectorStoreError } from '../core/vector-store';
import { allowedMethods } from './allowed-methods';
import { ApiError } from './api-error';
import { storeCall } from './live-collection';
import { mayHavePrototypeKey, prototypeKeyPath } from './prototype-keys';
import { assertFloat32Values, searchVector } from './query/query-vector';

const issuePath = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as ApiError).issues?.[0]?.path;
  }
  return undefined;
};

describe('searchVector', () => {
  it('scales cosine queries to unit length in double precision, whatever their size', () => {
    const rounded = (v: number[]) => v.map((x) => Math.round(x * 1e9) / 1e9);
    expect(rounded(searchVector([3e38, 4e38], 'cosine'))).toEqual([0.6, 0.8]);
    expect(rounded(searchVector([3e300, -4e300], 'cosine'))).toEqual([0.6, -0.8]);
    expect(searchVector([3e-320, 4e-320], 'cosine').map((x) => Math.round(x * 10) / 10)).toEqual([0.6, 0.8]);
    expect(searchVector([0, 0], 'cosine')).toEqual([0, 0]);
  });

  it('keeps dot and euclid queries as they are, refusing a length that overflows float32', () => {
    expect(searchVector([1, 2], 'dot')).toEqual([1, 2]);
    expect(searchVector([1e19, 0], 'euclid')).toEqual([1e19, 0]);
    expect(issuePath(() => searchVector([3e38, 4e38], 'dot'))).toBe('vector');
    expect(issuePath(() => searchVector([2e19, 0], 'euclid', 'query'))).toBe('query');
  });

  it('refuses feature values beyond float32, naming the index', () => {
    expect(() => assertFloat32Values([1, -3.4e38], 'vector')).not.toThrow();
    expect(issuePath(() => assertFloat32Values([1, 2, 3.5e38], 'vector'))).toBe('vector.2');
  });
});

describe('prototypeKeyPath', () => {
  it('finds a __proto__ key at any depth, inside arrays too', () => {
    expect(prototypeKeyPath(JSON.parse('{"filter":{"attributes":{"__proto__":{"a":1}}}}'))).toBe('filter.attributes.__proto__');
    expect(prototypeKeyPath(JSON.parse('{"items":[{"id":"a"},{"attributes":{"\\u005f_proto__":"x"}}]}'))).toBe('items.1.attributes.__proto__');
    expect(prototypeKeyPath(JSON.parse('{"constructor":{"prototype":1},"items":[1,2,null]}'))).toBeUndefined();
    expect(prototypeKeyPath(null)).toBeUndefined();
    const deep = JSON.parse(`${'['.repeat(100_000)}{"__proto__":1}${']'.repeat(100_000)}`);
    expect(prototypeKeyPath(deep)?.endsWith('.0.__proto__')).toBe(true);
  });

  it('lets text without the name or escapes skip the walk', () => {
    expect(mayHavePrototypeKey('{"items":[{"id":"a"}]}')).toBe(false);
    expect(mayHavePrototypeKey('{"__proto__":1}')).toBe(true);
    expect(mayHavePrototypeKey('{"\\u005f_proto__":1}')).toBe(true);
  });
});

describe('allowedMethods', () => {
  const allowed = allowedMethods([
    { method: 'ALL', path: '*' },
    { method: 'POST', path: '/v1/items' },
    { method: 'GET', path: '/v1/items/:id' },
    { method: 'DELETE', path: '/v1/items/:id' },
    { method: 'GET', path: '/v1/models/:version/model.onnx' },
  ]);

  it('lists the methods of the routes matching a path, HEAD with GET', () => {
    expect(allowed('/v1/items')).toEqual(['POST']);
    expect(allowed('/v1/items/a.b')).toEqual(['DELETE', 'GET', 'HEAD']);
    expect(allowed('/v1/models/v000001/model.onnx')).toEqual(['GET', 'HEAD']);
  });

  it('lists nothing for paths no route has, so they stay 404', () => {
    expect(allowed('/v1/items/a/b')).toEqual([]);
    expect(allowed('/v1/models/v000001/modelXonnx')).toEqual([]);
    expect(allowed('/v1/items/')).toEqual([]);
  });
});

describe('storeCall', () => {
  const failing = (error: Error) => () => Promise.reject(error);
  const answer = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as ApiError);
  const fields = { vector: 'vector', filter: 'filter' };

  it('answers an argument the store refuses that came from the request with a 400 naming the request field', async () => {
    const refused = await answer(storeCall(failing(new VectorStoreError('filter.attributes.a.b: attribute names must match …', 'invalid_argument', 'filter.attributes.a.b')), { fields }));
    expect(refused).toMatchObject({ status: 400, issues: [{ path: 'filter.attributes.a.b', message: 'attribute names must match …' }] });
    const index = await answer(storeCall(failing(new VectorStoreError('vector[3]: must be finite', 'invalid_argument', 'vector[3]')), { fields }));
    expect(index).toMatchObject({ status: 400, issues: [{ path: 'vector.3' }] });
  });

  it('keeps an argument the service built itself a server error, not the client\'s', async () => {
    const own = new VectorStoreError('vector: expected dimension 8, got 3', 'invalid_argument', 'vector');
    expect(await answer(storeCall(failing(own), { fields: { filter: 'filter' } }))).toBe(own);
  });

  it('answers 503 with Retry-After only for an unavailable store, and not_found as the caller says', async () => {
    const down = await answer(storeCall(failing(new VectorStoreError('qdrant unavailable: ECONNREFUSED', 'unavailable'))));
    expect(down).toMatchObject({ status: 503, headers: { 'Retry-After': '1' } });
    const gone = new VectorStoreError('collection: catalog_v000001 not found', 'not_found', 'collection');
    expect(await answer(storeCall(failing(gone)))).toMatchObject({ status: 503 });
    expect(await answer(storeCall(failing(gone), { notFound: () => new ApiError(404, 'collection_not_found', 'gone') }))).toMatchObject({ status: 404 });
  });
});
