#!/usr/bin/env node
// cli/ — the package's command-line tool, for the chores a user has outside the app.
//   npx nest-session-auth hash-password    prints an argon2id hash of a password read from stdin
// The password comes from stdin, never argv, so it stays out of shell history and `ps`. On a
// terminal it is read without echo; piped input (`printf '%s' 'pw' | npx nest-session-auth
// hash-password`) works too, one trailing newline removed.
import { ARGON2ID, argon2Hash } from '../auth/argon2.js';
import { DEFAULT_PASSWORD_HASH_OPTIONS } from '../core/options/session-options.resolver.js';

const USAGE = `Usage: nest-session-auth hash-password
  Reads a password from stdin (not echoed on a terminal) and prints its argon2id hash
  (OWASP's parameters: m=19456 KiB, t=2, p=1), the passwordHash a UserDirectory returns.
  printf '%s' 'the password' | npx nest-session-auth hash-password
`;

/** The password typed on a terminal, without echo: raw mode, up to Enter. */
function readHidden(input: NodeJS.ReadStream, prompt: NodeJS.WriteStream): Promise<string> {
  prompt.write('Password: ');
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      prompt.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') return finish(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}

async function readPiped(input: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(chunk as Buffer);
  // One trailing newline is what `echo` adds, not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function hashPassword(): Promise<number> {
  const password = process.stdin.isTTY
    ? await readHidden(process.stdin, process.stderr)
    : await readPiped(process.stdin);
  // The same bound as the login route's: a longer password could never sign in.
  if (password.length === 0 || password.length > 128) {
    process.stderr.write('hash-password: give a password of 1 to 128 characters on stdin\n');
    return 2;
  }
  const hash = await argon2Hash(password, {
    algorithm: ARGON2ID,
    ...DEFAULT_PASSWORD_HASH_OPTIONS,
  });
  process.stdout.write(`${hash}\n`);
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [command] = args;
  if (command === 'hash-password') return hashPassword();
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(`nest-session-auth: unknown command '${command}'\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`nest-session-auth: ${error.message}\n`);
    process.exitCode = 1;
  },
);
