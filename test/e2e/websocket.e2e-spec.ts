import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import request from 'supertest';
import { io, type Socket } from 'socket.io-client';
import { createSessionIoAdapter, SessionsService } from '../../src/index.js';
import { FIXTURE_USER } from '../fixtures/fixture-users.js';
import { WsAppModule } from '../fixtures/ws-app/app.module.js';
import { signIn } from '../support/apps/demo-app.js';
import { freePort } from '../support/servers/ports.js';

/** What a message got back: its acknowledgement, or Nest's `exception` event. */
type Answer = { ack: unknown } | { exception: unknown };

const ANSWER_TIMEOUT_MS = 5_000;

describe('SessionGuard and @CurrentUser() on a socket.io gateway (createSessionIoAdapter)', () => {
  let app: NestExpressApplication;
  let server: Server;
  let url: string;
  const sockets: Socket[] = [];

  /** A socket.io connection as a browser on this origin makes it, with the session cookie. */
  function connect(headers: Record<string, string> = {}): Promise<Socket> {
    const socket = io(url, {
      transports: ['websocket'],
      extraHeaders: headers,
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  function send(socket: Socket, event: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer to ${event} within ${ANSWER_TIMEOUT_MS} ms`)),
        ANSWER_TIMEOUT_MS,
      );
      const settle = (answer: Answer) => {
        clearTimeout(timer);
        socket.off('exception', onException);
        resolve(answer);
      };
      const onException = (exception: unknown) => settle({ exception });
      socket.once('exception', onException);
      socket.emit(event, {}, (ack: unknown) => settle({ ack }));
    });
  }

  const signedIn = () => signIn(server, FIXTURE_USER.email, FIXTURE_USER.password);

  beforeAll(async () => {
    app = await NestFactory.create<NestExpressApplication>(WsAppModule, {
      logger: ['error', 'warn'],
    });
    app.useWebSocketAdapter(await createSessionIoAdapter(app));
    const port = await freePort();
    await app.listen(port, '127.0.0.1');
    server = app.getHttpServer() as Server;
    url = `http://127.0.0.1:${port}`;
  });

  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.close());
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers a guarded message with the user of the handshake cookie', async () => {
    const { cookie } = await signedIn();
    const socket = await connect({ Cookie: cookie });
    expect(await send(socket, 'whoami')).toEqual({
      ack: { id: 'ada', email: FIXTURE_USER.email },
    });
  });

  it('refuses a guarded message on a socket without a session, and answers a @Public() one', async () => {
    const socket = await connect();
    expect(await send(socket, 'whoami')).toEqual({
      exception: expect.objectContaining({ statusCode: 401, code: 'unauthenticated' }),
    });
    expect(await send(socket, 'ping')).toEqual({ ack: { pong: true, userId: null } });
  });

  it('refuses guarded messages on an open socket once its session has logged out', async () => {
    const { cookie, headers } = await signedIn();
    const socket = await connect({ Cookie: cookie });
    expect(await send(socket, 'whoami')).toHaveProperty('ack.id', 'ada');
    const logout = await request(server).post('/auth/logout').set(headers);
    expect(logout.status).toBeLessThan(300);
    expect(await send(socket, 'whoami')).toEqual({
      exception: expect.objectContaining({ statusCode: 401, code: 'unauthenticated' }),
    });
    expect(await send(socket, 'ping')).toEqual({ ack: { pong: true, userId: null } });
  });

  it('refuses guarded messages on an open socket once its session is revoked', async () => {
    const { cookie } = await signedIn();
    const socket = await connect({ Cookie: cookie });
    expect(await send(socket, 'whoami')).toHaveProperty('ack.id', 'ada');
    await app.get(SessionsService).revokeAllSessions('ada');
    expect(await send(socket, 'whoami')).toEqual({
      exception: expect.objectContaining({ code: 'unauthenticated' }),
    });
  });

  it('refuses a handshake from a foreign origin (cross-site WebSocket hijacking)', async () => {
    const { cookie } = await signedIn();
    await expect(connect({ Cookie: cookie, Origin: 'https://evil.example' })).rejects.toThrow();
    const own = await connect({ Cookie: cookie, Origin: url });
    expect(await send(own, 'whoami')).toHaveProperty('ack.id', 'ada');
  });
});
