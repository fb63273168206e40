import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A key and certificate (PEM) in memory, as a Node HTTPS server takes them. */
export interface Tls {
  key: Buffer;
  cert: Buffer;
}

/**
 * A throwaway EC P-256 certificate for localhost and 127.0.0.1, valid for a day, made with
 * openssl (installed by .ci/run) as PEM files in `dir`. Clients trust it as its own CA.
 */
export async function selfSignedCertificate(
  dir: string,
): Promise<{ certPath: string; keyPath: string }> {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error('openssl not found on PATH: apt-get install openssl');
  }
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  return { certPath, keyPath };
}

/** The same certificate read into memory; its files are gone once this returns. */
export async function selfSignedTls(): Promise<Tls> {
  const dir = await mkdtemp(join(tmpdir(), 'nsa-tls-'));
  try {
    const { certPath, keyPath } = await selfSignedCertificate(dir);
    return { key: await readFile(keyPath), cert: await readFile(certPath) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
