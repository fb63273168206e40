import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { SessionAuthException } from '../errors/session-auth.exception.js';

/**
 * How deeply a request body may nest objects and arrays. The module's bodies are flat; 32 leaves
 * room for an app's own DTOs. A body of about 1500 levels (3 kB) made class-transformer recurse
 * until the stack overflowed: a 500, and ~130 ms of event loop for every such request.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * True when `value` nests objects or arrays more than `max` levels deep (a flat object is one
 * level). A loop over an explicit stack, not recursion, so the check itself cannot overflow; it
 * stops at the first node past the limit.
 */
export function exceedsDepth(value: unknown, max = MAX_BODY_DEPTH): boolean {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (typeof item.node !== 'object' || item.node === null) continue;
    if (item.depth >= max) return true;
    for (const child of Object.values(item.node))
      stack.push({ node: child, depth: item.depth + 1 });
  }
  return false;
}

/** 400 `invalid_request` for a body nested past MAX_BODY_DEPTH, before anything walks it. */
export function assertBodyDepth(body: unknown): void {
  if (!exceedsDepth(body)) return;
  throw new SessionAuthException('invalid_request', {
    errors: [
      {
        field: 'body',
        message: `body must not nest objects or arrays more than ${MAX_BODY_DEPTH} levels deep`,
      },
    ],
  });
}

/**
 * Refuses too deeply nested bodies on the module's routes, whether or not the route reads its
 * body, so no route of the module hands one to validation or to the app's code.
 */
@Injectable()
export class BodyDepthMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    assertBodyDepth(req.body);
    next();
  }
}
