/** A route as Hono lists it in `app.routes`. */
export interface RouteEntry {
  method: string;
  path: string;
}

function patternOf(path: string): RegExp {
  const escaped = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}$`);
}

/**
 * The methods some route answers at `path` (with HEAD wherever GET is), or an empty list when
 * no route matches the path at all: the difference between a 405 and a 404.
 *
 * @example
 * const allowed = allowedMethods(app.routes);
 * allowed('/v1/items/a1'); // ['DELETE', 'GET', 'HEAD']
 */
export function allowedMethods(routes: readonly RouteEntry[]): (path: string) => string[] {
  let compiled: { method: string; pattern: RegExp }[] | undefined;
  return (path) => {
    // Compiled on first use: routes are all registered by then.
    compiled ??= routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method.toUpperCase(), pattern: patternOf(r.path) }));
    const methods = new Set(compiled.filter((r) => r.pattern.test(path)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
