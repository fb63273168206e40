import { describe, expect, it } from '@jest/globals';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ResolvedSessionOptions } from '../core/options/session-options.resolver.js';
import {
  recordFixedHeaders,
  securityHeaders,
  SecurityHeadersMiddleware,
} from './security-headers.middleware.js';

/** A response that keeps its headers as a Node response does, lower-cased. */
function fakeResponse() {
  const headers = new Map<string, unknown>([['x-powered-by', 'Express']]);
  const res = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  return { res: res as unknown as Response, headers };
}

function run(handler: (req: Request, res: Response, next: NextFunction) => unknown) {
  const { res, headers } = fakeResponse();
  let nextCalls = 0;
  void handler({} as Request, res, () => nextCalls++);
  return { headers: Object.fromEntries(headers), nextCalls };
}

const options = (secure: boolean) =>
  ({ securityHeaders: true, cookie: { secure } }) as unknown as ResolvedSessionOptions;

describe('SecurityHeadersMiddleware', () => {
  it.each([false, true])('sets exactly what helmet sets (Secure cookie: %s)', (secure) => {
    const middleware = new SecurityHeadersMiddleware(options(secure));
    const viaHelmet = run(securityHeaders(options(secure)));
    const precomputed = run((req, res, next) => middleware.use(req, res, next));
    expect(precomputed).toEqual(viaHelmet);
    expect(precomputed.nextCalls).toBe(1);
    expect(precomputed.headers['x-powered-by']).toBeUndefined();
    expect(precomputed.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect('strict-transport-security' in precomputed.headers).toBe(secure);
  });

  it('sets nothing when security headers are off', () => {
    const middleware = new SecurityHeadersMiddleware({
      securityHeaders: false,
    } as unknown as ResolvedSessionOptions);
    expect(run((req, res, next) => middleware.use(req, res, next))).toEqual({
      headers: { 'x-powered-by': 'Express' },
      nextCalls: 1,
    });
  });

  it('keeps running a middleware whose headers are not fixed', () => {
    const perRequest: RequestHandler = (_req, res, next) => {
      res.setHeader('X-Request-Time', String(Date.now()));
      setImmediate(next);
    };
    const failing: RequestHandler = (_req, _res, next) => next(new Error('bad directive'));
    const throwing: RequestHandler = () => {
      throw new Error('bad');
    };
    const numeric: RequestHandler = (_req, res, next) => {
      res.setHeader('X-Count', 1);
      next();
    };
    for (const handler of [perRequest, failing, throwing, numeric]) {
      expect(recordFixedHeaders(handler)).toBeUndefined();
    }
  });
});
