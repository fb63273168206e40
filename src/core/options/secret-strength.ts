/** A production secret must carry at least this much randomness (NIST SP 800-131A's floor). */
export const MIN_SECRET_BITS = 128;

/** The command every "weak secret" message suggests: 32 random bytes, 256 bits. */
export const SECRET_COMMAND = 'openssl rand -base64 32';

/**
 * Words that mark a value someone typed or copied from an example rather than generated. Five
 * letters or more, so a random base64 secret contains one by chance less than once in a million.
 */
const PLACEHOLDER_WORDS = [
  'password',
  'passwd',
  'secret',
  'changeme',
  'change-me',
  'change_me',
  'replace',
  'example',
  'placeholder',
  'default',
  'sample',
  'dummy',
  'insecure',
  'random',
  'qwerty',
  'letmein',
] as const;

/** The placeholder word `secret` contains, if any. */
export function placeholderWordIn(secret: string): string | undefined {
  const lower = secret.toLowerCase();
  return PLACEHOLDER_WORDS.find((word) => lower.includes(word));
}

/**
 * A conservative estimate of the randomness in `secret`, in bits: log2 of the character-class
 * pool it draws from, for each character that is neither a step of a run (`aaaa`, `abcd`, `4321`)
 * nor the start of a three-character sequence seen earlier (`abcabc`). Generated secrets lose a
 * few percent to chance runs; typed and repeated ones lose almost everything.
 */
export function estimateSecretBits(secret: string): number {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];
  const sizes = [26, 26, 10, 33];
  const pool = classes.reduce((sum, re, i) => (re.test(secret) ? sum + sizes[i] : sum), 0);
  if (pool === 0) return 0;
  let counted = 0;
  for (let i = 0; i < secret.length; i++) {
    const step = i > 0 ? Math.abs(secret.charCodeAt(i) - secret.charCodeAt(i - 1)) : Infinity;
    if (step <= 1) continue;
    if (i + 3 <= secret.length && secret.indexOf(secret.slice(i, i + 3)) < i) continue;
    counted++;
  }
  return Math.floor(counted * Math.log2(pool));
}

/**
 * Why `secret` is too weak for production, or undefined when it is strong enough. The reason
 * never quotes the secret, not even the placeholder word found in it.
 */
export function secretWeakness(secret: string): string | undefined {
  if (placeholderWordIn(secret)) {
    return 'it contains a placeholder word (such as password, secret, example or replace)';
  }
  const bits = estimateSecretBits(secret);
  if (bits < MIN_SECRET_BITS)
    return `it holds about ${bits} bits of randomness, not ${MIN_SECRET_BITS}`;
  return undefined;
}
