import type { RedisClientType } from 'redis';

/**
 * Works around node-redis 5.x reporting "ready" on a socket that died during the connection
 * handshake (redis/node-redis#3108, fixed in 5.11 and 6.x, which npm does not serve us in 5.x).
 * It happens when Redis goes down just as the client reconnects: the socket connects, is reset
 * before the handshake ends, and the client, whose handshake commands swallow the error, marks
 * itself ready anyway. It then never reconnects: every command waits forever and the app answers
 * 503 until it is restarted. An error between `connect` and `ready` means that ready is false,
 * so the client is closed and connected again, which runs the reconnect strategy as usual.
 */
export function reconnectOnFalseReady(
  client: RedisClientType,
  onReconnectFailed: () => void,
): void {
  let erroredSinceConnect = false;
  client.on('connect', () => (erroredSinceConnect = false));
  client.on('error', () => (erroredSinceConnect = true));
  client.on('ready', () => {
    if (!erroredSinceConnect) return;
    // Once the client's own connect loop has ended: restarting inside its 'ready' event would
    // leave two loops running.
    setImmediate(() => {
      if (!client.isOpen) return;
      client.destroy();
      // connect() retries by itself (reconnectStrategy); it rejects only if the client closes.
      client.connect().catch(onReconnectFailed);
    });
  });
}
