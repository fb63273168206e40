import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { SessionAuthException } from './session-auth.exception.js';

/**
 * Answers a `SessionAuthException` with its status, its body and its headers (`Retry-After`,
 * `Location`), wherever it was thrown: the module's routes, the app's routes behind
 * `SessionGuard`, or the middleware SessionModule mounts before every route. SessionModule
 * registers it app-wide (`APP_FILTER`); it catches nothing else, so the app's own filters keep
 * every other error. An app whose catch-all filter is bound closer to its routes (on a
 * controller) should delegate these exceptions to it, or copy `exception.headers` itself.
 */
@Catch(SessionAuthException)
export class SessionExceptionFilter implements ExceptionFilter<SessionAuthException> {
  catch(exception: SessionAuthException, host: ArgumentsHost): unknown {
    // GraphQL formats a returned error itself (Nest maps the status to UNAUTHENTICATED, ...);
    // a socket has no status, so the body goes out as Nest's usual `exception` event.
    const type = host.getType<'http' | 'graphql' | 'ws' | 'rpc'>();
    if (type === 'graphql') return exception;
    if (type === 'ws') {
      host
        .switchToWs()
        .getClient<{ emit(event: string, body: unknown): void }>()
        .emit('exception', exception.getResponse());
      return undefined;
    }
    const res = host.switchToHttp().getResponse<Response>();
    // A route that already streamed its answer can only be cut short.
    if (res.headersSent) {
      res.end();
      return undefined;
    }
    res.set(exception.headers).status(exception.getStatus());
    // A redirect (login_required) is for a browser, which follows Location and never shows a
    // body; JSON there would only be read by scripts that should have asked for JSON.
    if (exception.getStatus() >= 300 && exception.getStatus() < 400) res.end();
    else res.json(exception.getResponse());
    return undefined;
  }
}
