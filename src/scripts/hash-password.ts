// Prints an argon2id hash for a password read from stdin, for seeding a UserDirectory.
// Usage: printf '%s' 'my password' | npm run -s hash-password
// The password is read from stdin, not argv, so it stays out of shell history and `ps`.
import { ARGON2ID, argon2Hash } from '../auth/argon2.js';
import { DEFAULT_PASSWORD_HASH_OPTIONS } from '../core/options/session-options.resolver.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is what `echo` adds, not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

if (process.stdin.isTTY) process.stderr.write('Password (then Ctrl-D): ');
const password = await readStdin();
if (password.length === 0 || password.length > 128) {
  process.stderr.write('hash-password: give a password of 1 to 128 characters on stdin\n');
  process.exit(2);
}
process.stdout.write(
  `${await argon2Hash(password, { algorithm: ARGON2ID, ...DEFAULT_PASSWORD_HASH_OPTIONS })}\n`,
);
