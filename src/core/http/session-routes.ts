import { Inject, Injectable } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { SessionSetupError } from '../errors/session-setup.error.js';
import type { SessionModuleOptions } from '../options/session-options.interface.js';
import { SESSION_ROUTES } from '../session.constants.js';

/** Where the module's own routes are, as `forRoot`/`forRootAsync`'s `routes` flag decided. */
export interface SessionRoutesSetting {
  /** False when the app writes its own routes (`routes: false`). */
  mounted: boolean;
  /** The controllers' path, without slashes at either end: `auth` unless `routes.path` says. */
  path: string;
}

export const DEFAULT_ROUTES_PATH = 'auth';

/** Path segments of letters, digits and `-_.~`, as Nest matches them literally. */
const ROUTES_PATH = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/;

/**
 * Reads the static `routes` flag. Nest needs the controllers before any options factory runs, so
 * this is checked apart from the resolver, with the same kind of one-line error.
 */
export function resolveRoutesSetting(routes: SessionModuleOptions['routes']): SessionRoutesSetting {
  if (routes === undefined || routes === true) return { mounted: true, path: DEFAULT_ROUTES_PATH };
  if (routes === false) return { mounted: false, path: DEFAULT_ROUTES_PATH };
  const path = (routes.path ?? DEFAULT_ROUTES_PATH).replace(/^\/+|\/+$/g, '');
  if (!ROUTES_PATH.test(path) || path.split('/').some((segment) => /^\.+$/.test(segment))) {
    throw new SessionSetupError(
      `routes.path must be a path such as 'auth' or 'api/account' (letters, digits, - _ . ~ ` +
        `and / between segments), got ${JSON.stringify(routes.path)}`,
      'routes.path',
    );
  }
  return { mounted: true, path };
}

/**
 * The module's routes as a client calls them, with the app's global prefix (which the app may set
 * after the module is built, so it is read per call). Used in hints and docs, never for routing.
 */
@Injectable()
export class SessionRoutePaths {
  constructor(
    @Inject(SESSION_ROUTES) private readonly routes: SessionRoutesSetting,
    private readonly config: ApplicationConfig,
  ) {}

  /** `/api/auth/csrf` for `csrf` under `setGlobalPrefix('api')`. */
  url(route: string): string {
    const parts = [this.config.getGlobalPrefix(), this.routes.path, route];
    return `/${parts
      .map((p) => p.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/')}`;
  }
}
