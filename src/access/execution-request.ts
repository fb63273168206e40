import type { ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SessionSetupError } from '../core/errors/session-setup.error.js';

/** What a GraphQL resolver gets as its third argument, when the app's context carries `req`. */
interface GraphqlContext {
  req?: Request;
}

/** A socket.io socket: its `request` is the handshake, where the session was loaded. */
interface SocketClient {
  request?: Request;
}

/**
 * The Express request behind a route, a GraphQL resolver or a socket message, read from the
 * execution context alone so the library needs neither `@nestjs/graphql` nor
 * `@nestjs/websockets` unless the app uses them.
 */
export function requestOf(context: ExecutionContext): Request {
  const type = context.getType<'http' | 'graphql' | 'ws' | 'rpc'>();
  if (type === 'graphql') return graphqlRequest(context);
  if (type === 'ws') return socketRequest(context);
  return context.switchToHttp().getRequest<Request>();
}

/**
 * The response, for plain HTTP routes only: only they may be answered with a redirect or a
 * header. A GraphQL error travels in the GraphQL answer; a socket has no HTTP answer at all.
 */
export function responseOf(context: ExecutionContext): Response | undefined {
  return context.getType() === 'http' ? context.switchToHttp().getResponse<Response>() : undefined;
}

function graphqlRequest(context: ExecutionContext): Request {
  // Resolvers are called with (root, args, context, info); Apollo's default context is { req }.
  const req = context.getArgs<[unknown, unknown, GraphqlContext | undefined]>()[2]?.req;
  if (!req) {
    throw new SessionSetupError(
      'the GraphQL context has no req. Configure GraphQLModule with ' +
        'context: ({ req, res }) => ({ req, res }) (docs/graphql-and-websockets.md).',
    );
  }
  return req;
}

function socketRequest(context: ExecutionContext): Request {
  const req = context.switchToWs().getClient<SocketClient>().request;
  // express-session sets sessionStore on every request it sees, even when the load fails.
  if (!req?.sessionStore) {
    throw new SessionSetupError(
      'SessionGuard and @CurrentUser() on a gateway need socket.io with sessions: ' +
        'app.useWebSocketAdapter(await createSessionIoAdapter(app)) (docs/graphql-and-websockets.md).',
    );
  }
  return req;
}
