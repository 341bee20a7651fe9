import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogFixture } from '../../test/support/api/test-catalog-fixture';

type Operation = { operationId?: string; tags?: string[]; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };

describe('the OpenAPI document', () => {
  let f: Awaited<ReturnType<typeof startCatalogFixture>>;
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    f = await startCatalogFixture({ input: { kind: 'features', features: 4 }, items: [{ id: 'a', label: 'x', input: [1, 2, 3, 4] }] });
    paths = ((await (await f.app.request('/openapi.json')).json()) as { paths: typeof paths }).paths;
  });
  afterAll(() => f.close());

  it('documents every API route the app serves', () => {
    const documented = new Set(Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)));
    // The console, the docs page and the document itself are pages, not API operations.
    const pages = /^GET (\/|\/console\.(js|css)|\/docs(\/.*)?|\/openapi\.json)$/;
    const served = [...new Set(f.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))].filter((route) => !pages.test(route));
    expect(served.filter((route) => !documented.has(route))).toEqual([]);
    for (const route of ['GET /v1/model', 'GET /v1/models/:version', 'GET /metrics']) expect(documented.has(route), route).toBe(true);
  });

  it('gives every operation a unique operationId, tags and a schema for each success response', () => {
    const ids: string[] = [];
    const problems: string[] = [];
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (!op.operationId) problems.push(`${name}: no operationId`);
        else ids.push(op.operationId);
        if (!op.tags?.length) problems.push(`${name}: no tags`);
        const success = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
        if (success.length === 0) problems.push(`${name}: no success response`);
        for (const [status, response] of success) {
          const schemas = Object.values(response.content ?? {}).map((c) => c.schema);
          if (schemas.length === 0 || schemas.some((s) => s === undefined)) problems.push(`${name} ${status}: no schema`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
