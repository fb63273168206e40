import type { INestApplication, WebSocketAdapter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { SessionSetupError } from './core/errors/session-setup.error.js';
import type { ResolvedSessionOptions } from './core/options/session-options.resolver.js';
import { SESSION_OPTIONS } from './core/session.constants.js';
import { allowedOrigins, isAllowedSource } from './security/request-origin.js';
import { SessionMiddleware } from './session/session.middleware.js';
import { refreshSocketSession } from './session/socket-session.js';

type EngineRequest = IncomingMessage & { _query?: Record<string, string> };
type EngineNext = (err?: Error) => void;

/**
 * A socket.io adapter (Nest's `IoAdapter`) whose sockets carry the session of the cookie they
 * connected with, loaded by SessionModule's own express-session middleware and store. So
 * `SessionGuard` and `@CurrentUser()` work on `@SubscribeMessage()` handlers:
 *
 *   app.useWebSocketAdapter(await createSessionIoAdapter(app));
 *
 * - The handshake loads the session from its cookie, as an HTTP request does.
 * - Each message loads it from the store again, so a logout, a revocation or a timeout ends it
 *   on open sockets too (refreshSocketSession).
 * - A handshake from a foreign origin is refused: browsers send cookies with cross-origin
 *   WebSocket handshakes and no CORS check stops them (cross-site WebSocket hijacking), so it
 *   must come from this app or one of `corsOrigins`, as an unsafe HTTP request must.
 *
 * Async because `@nestjs/platform-socket.io` is an optional peer, loaded only here.
 */
export async function createSessionIoAdapter(app: INestApplication): Promise<WebSocketAdapter> {
  const { IoAdapter } = await loadSocketIo();
  const options = app.get<ResolvedSessionOptions>(SESSION_OPTIONS, { strict: false });
  const loadSession = handshakeSessionLoader(app, options);

  class SessionIoAdapter extends IoAdapter {
    override createIOServer(port: number, serverOptions?: ServerOptions): Server {
      const server = super.createIOServer(port, serverOptions) as Server;
      server.engine.use(loadSession);
      return server;
    }

    override bindClientConnect(server: Server, callback: (socket: Socket) => void): void {
      super.bindClientConnect(server, (socket: Socket) => {
        const req = socket.request as Request;
        socket.use((_packet, next) => {
          refreshSocketSession(req, options).then(() => next(), next);
        });
        callback(socket);
      });
    }
  }
  return new SessionIoAdapter(app);
}

/** express-session on each socket.io handshake (engine.io runs `engine.use` on every request). */
function handshakeSessionLoader(app: INestApplication, options: ResolvedSessionOptions) {
  const session = app.get(SessionMiddleware, { strict: false });
  // Express's request prototype, as Express gives every request it handles: req.get, req.secure
  // and the app's `trust proxy`, which express-session and the origin check read.
  const expressRequest = app
    .get(HttpAdapterHost)
    .httpAdapter.getInstance<{ request: object }>().request;
  const origins = allowedOrigins(options);
  return (raw: EngineRequest, res: ServerResponse, next: EngineNext): void => {
    // Polling requests after the handshake carry a sid; socket.request is the handshake alone.
    if (raw._query?.sid !== undefined) return next();
    Object.setPrototypeOf(raw, expressRequest);
    const req = raw as unknown as Request;
    if (!isAllowedSource(req, origins)) {
      return next(new Error('socket.io handshake from a foreign origin'));
    }
    session.use(req, res as unknown as Response, () => {
      refreshSocketSession(req, options).then(() => next(), next);
    });
  };
}

async function loadSocketIo(): Promise<typeof import('@nestjs/platform-socket.io')> {
  try {
    return await import('@nestjs/platform-socket.io');
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new SessionSetupError(
      'createSessionIoAdapter needs the @nestjs/websockets and @nestjs/platform-socket.io ' +
        'packages: npm install @nestjs/websockets @nestjs/platform-socket.io',
    );
  }
}
