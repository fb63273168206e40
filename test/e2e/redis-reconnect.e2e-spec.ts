import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, createServer, type Server, type Socket } from 'node:net';
import request from 'supertest';
import { type RunningApp, startDemoApp } from '../support/apps/demo-app.js';
import { freePort } from '../support/servers/ports.js';
import { RedisServer, waitFor } from '../support/servers/redis-server.js';

/**
 * A TCP proxy to `target` that resets the first `drops` connections once the client has sent its
 * handshake, as a Redis that dies just as the client reconnects does.
 */
async function droppingProxy(target: number, drops: number): Promise<Server> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const proxy = createServer((client) => {
    track(client);
    if (drops-- > 0) return void client.once('data', () => client.resetAndDestroy());
    const upstream = connect(target, '127.0.0.1');
    track(upstream);
    client.pipe(upstream).pipe(client);
  });
  proxy.once('close', () => sockets.forEach((socket) => socket.destroy()));
  const port = await freePort();
  await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  return proxy;
}

describe('a Redis connection reset during the client handshake', () => {
  let redis: RedisServer;
  let proxy: Server;
  let running: RunningApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    proxy = await droppingProxy(redis.port, 1);
  });

  afterAll(async () => {
    await running?.close();
    await new Promise((resolve) => proxy?.close(resolve));
    await redis?.stop();
  });

  // node-redis 5.9 then reports ready on the dead socket and never reconnects (node-redis#3108):
  // the app would answer 503 until restarted.
  it('reconnects instead of staying on the dead socket, so GET /health turns 200', async () => {
    const { port } = proxy.address() as { port: number };
    running = await startDemoApp({
      SESSION_STORE: 'redis',
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    // The reconnect strategy waits at most 2 s between tries; a store check takes at most 1.5 s.
    await waitFor(
      async () => (await request(running.server).get('/health')).status === 200,
      'GET /health did not turn 200 after the reset connection',
    );
    expect((await request(running.server).get('/health')).body.status).toBe('ok');
  });
});
