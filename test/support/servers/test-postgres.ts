import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL unless DATABASE_URL points elsewhere. */
const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A database of its own on the machine's PostgreSQL, created for one test file and dropped by
 * close(). The shared server itself is never stopped or reconfigured.
 */
export interface TestPostgres {
  /** DATABASE_URL of the new database. */
  url: string;
  /** A connection to it, for assertions. */
  client: pg.Client;
  close(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const name = `nsa_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await connect(SERVER_URL);
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const client = await connect(url.toString());
  return {
    url: url.toString(),
    client,
    async close() {
      await client.end();
      const admin = await connect(SERVER_URL);
      try {
        // FORCE: a connection the app under test failed to close must not keep the database.
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    const where = new URL(url);
    throw new Error(
      `PostgreSQL is not reachable at ${where.hostname}:${where.port || 5432} ` +
        `(${(err as Error).message}): start it, or set DATABASE_URL to a server the tests may use`,
      { cause: err },
    );
  }
  return client;
}
