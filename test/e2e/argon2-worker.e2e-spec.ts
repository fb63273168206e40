import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  PasswordHasher,
  SessionAuthException,
  USER_DIRECTORY,
  type UserDirectory,
} from '../../src/index.js';
import { FIXTURE_USER, MinimalAppModule } from '../fixtures/minimal-app/app.module.js';
import { nestLogs } from '../support/runner/capture-logger.js';
import { csrfHeaders } from '../support/http/csrf.js';
import { TEST_SECRET, withEnv } from '../support/apps/demo-app.js';
import { startTestRedis, type TestRedis } from '../support/servers/test-redis.js';

/** An install whose argon2 worker script is gone (a build that did not copy it). */
class MissingWorkerHasher extends PasswordHasher {
  protected override readonly workerUrl = new URL('./no-such.worker.mjs', import.meta.url);
}

/** The same, with the script removed after boot: the boot check passed, the pool fails. */
class WorkerGoneAfterBootHasher extends MissingWorkerHasher {
  override async onModuleInit(): Promise<void> {}
}

/** A pool that fails every check, as PasswordHasher reports it, until the test mends it. */
class FlakyHasher extends PasswordHasher {
  static failing = true;
  override verify(hash: string, password: string): Promise<boolean> {
    if (!FlakyHasher.failing) return super.verify(hash, password);
    return Promise.reject(new SessionAuthException('password_hasher_unavailable'));
  }
}

describe('the argon2 worker pool', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await startTestRedis();
  });

  afterAll(async () => {
    await redis?.close();
  });

  async function boot(
    hasher: typeof PasswordHasher,
    directory?: (hasher: PasswordHasher) => UserDirectory,
  ): Promise<INestApplication> {
    return withEnv({ FIXTURE_SECRET: TEST_SECRET, FIXTURE_REDIS_URL: redis.url }, async () => {
      let builder = Test.createTestingModule({ imports: [MinimalAppModule] })
        .overrideProvider(PasswordHasher)
        .useClass(hasher);
      if (directory) {
        builder = builder
          .overrideProvider(USER_DIRECTORY)
          .useFactory({ factory: directory, inject: [PasswordHasher] });
      }
      const moduleRef = await builder.setLogger(nestLogs()).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      try {
        return await app.init();
      } catch (error) {
        await app.close().catch(() => undefined);
        throw error;
      }
    });
  }

  it('fails the boot with one line when its script is missing', async () => {
    await expect(boot(MissingWorkerHasher)).rejects.toThrow(
      /^SessionModule: the argon2 worker script \S+no-such\.worker\.mjs is missing; reinstall nest-session-auth[^\n]*$/,
    );
  });

  it('answers 503 to each sign-in when it fails, and the app keeps serving', async () => {
    const app = await boot(WorkerGoneAfterBootHasher);
    try {
      const server = app.getHttpServer() as Server;
      for (let attempt = 0; attempt < 2; attempt++) {
        const login = await request(server)
          .post('/auth/login')
          .set(await csrfHeaders(server))
          .send(FIXTURE_USER);
        expect(login.status).toBe(503);
        expect(login.body.code).toBe('password_hasher_unavailable');
      }
      expect((await request(server).get('/open')).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("answers 503 when the app's user directory fails, and counts no failure", async () => {
    // Fails the first lookup of a sign-in (before the limits), or the one inside the check.
    let failing: 'first' | 'second' | undefined;
    let calls = 0;
    const directory = (hasher: PasswordHasher): UserDirectory => {
      const user = hasher.hash(FIXTURE_USER.password).then((passwordHash) => ({
        id: 'ada',
        email: FIXTURE_USER.email,
        displayName: 'Ada',
        roles: [],
        passwordHash,
      }));
      return {
        findByEmail: (email) => {
          calls += 1;
          if (failing === (calls % 2 === 1 ? 'first' : 'second')) {
            return Promise.reject(new Error('connection pool exhausted'));
          }
          return email === FIXTURE_USER.email ? user : Promise.resolve(undefined);
        },
      };
    };
    const app = await boot(PasswordHasher, directory);
    try {
      const server = app.getHttpServer() as Server;
      const login = () =>
        csrfHeaders(server).then((headers) =>
          request(server).post('/auth/login').set(headers).send(FIXTURE_USER),
        );
      for (const where of ['first', 'second', 'second', 'second', 'second', 'second'] as const) {
        failing = where;
        calls = 0;
        const res = await login();
        expect({ where, status: res.status, code: res.body.code }).toEqual({
          where,
          status: 503,
          code: 'password_hasher_unavailable',
        });
        expect(res.headers['retry-after']).toBe('5');
        expect(JSON.stringify(res.body)).not.toContain('pool');
      }
      failing = undefined;
      expect((await login()).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('counts no failure while it fails: the account is not locked once it works again', async () => {
    FlakyHasher.failing = true;
    const app = await boot(FlakyHasher);
    try {
      const server = app.getHttpServer() as Server;
      // More than the 5 failures in a row that lock an account.
      for (let attempt = 0; attempt < 7; attempt++) {
        const login = await request(server)
          .post('/auth/login')
          .set(await csrfHeaders(server))
          .send(FIXTURE_USER);
        expect({ attempt, status: login.status, code: login.body.code }).toEqual({
          attempt,
          status: 503,
          code: 'password_hasher_unavailable',
        });
      }
      FlakyHasher.failing = false;
      const login = await request(server)
        .post('/auth/login')
        .set(await csrfHeaders(server))
        .send(FIXTURE_USER);
      expect(login.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
