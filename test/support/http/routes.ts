import type { INestApplication } from '@nestjs/common';

export interface AppRoute {
  method: string;
  /** The Express path pattern, e.g. `/auth/sessions/:id`. */
  path: string;
}

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * Every route the running app answers, read from Express's router after `app.init()`: the one
 * list that cannot forget a route someone adds later. Sorted and without duplicates.
 */
export function appRoutes(app: INestApplication): AppRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] } };
  const seen = new Map<string, AppRoute>();
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (!on || method === '_all') continue;
      const route = { method: method.toUpperCase(), path: layer.route.path };
      seen.set(`${route.method} ${route.path}`, route);
    }
  }
  return [...seen.values()].sort((a, b) =>
    `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`),
  );
}

/** The routes that change state: everything but GET, HEAD and OPTIONS. */
export function unsafeRoutes(app: INestApplication): AppRoute[] {
  return appRoutes(app).filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method));
}

/** A concrete URL for a pattern: each `:param` becomes a harmless placeholder value. */
export function concretePath(path: string): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => `test-${name}`).replace(/\{\*\w+\}/g, 'x');
}
