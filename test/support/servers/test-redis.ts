import { createClient, type RedisClientType } from 'redis';
import { RedisServer } from './redis-server.js';

/**
 * The Redis the e2e suites share: `REDIS_URL` when set, else a private redis-server started for
 * this test file. Each suite uses its own key prefix, so suites never see each other's keys.
 */
export interface TestRedis {
  url: string;
  client: RedisClientType;
  close(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  const server = process.env.REDIS_URL ? undefined : await RedisServer.start();
  const url = process.env.REDIS_URL ?? server!.url;
  const client = createClient({ url }) as RedisClientType;
  client.on('error', () => undefined);
  await client.connect();
  return {
    url,
    client,
    async close() {
      client.destroy();
      await server?.stop();
    },
  };
}
