import { generate, generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/** RFC 6238's defaults, which every authenticator app uses: 30-second steps, 6 digits, SHA-1. */
export const TOTP_PERIOD_SECONDS = 30;

/**
 * Steps of clock drift accepted either way (RFC 6238 §5.2 recommends at most one): a phone a
 * little fast or slow, or a code typed just as it changed, still works; a code two steps old
 * does not.
 */
export const TOTP_DRIFT_STEPS = 1;

const SIX_DIGITS = /^\d{6}$/;

/** A new random secret: 20 bytes (160 bits, RFC 4226's recommendation), in base32. */
export function newTotpSecret(): string {
  return generateSecret();
}

/** True when `code` looks like a TOTP code (six digits), as opposed to a recovery code. */
export function isTotpCode(code: string): boolean {
  return SIX_DIGITS.test(code);
}

/**
 * The time step `code` belongs to when it is the code of `secret` within TOTP_DRIFT_STEPS of
 * `nowMs` and later than `afterTimeStep` (the last step accepted, so a code works once), else
 * undefined.
 */
export async function checkTotpCode(
  secret: string,
  code: string,
  afterTimeStep: number,
  nowMs = Date.now(),
): Promise<number | undefined> {
  if (!isTotpCode(code)) return undefined;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    // In seconds: one period either side covers exactly the steps next to the current one.
    epochTolerance: TOTP_PERIOD_SECONDS * TOTP_DRIFT_STEPS,
    afterTimeStep,
  });
  // The result type also covers HOTP, which has no time step.
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/** The code of `secret` at `atMs` (tests, and the testing entry point's `totpCode`). */
export function totpCodeAt(secret: string, atMs = Date.now()): Promise<string> {
  return generate({ secret, epoch: Math.floor(atMs / 1000) });
}

/** The time step of `atMs`. */
export function timeStepAt(atMs = Date.now()): number {
  return Math.floor(atMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** The `otpauth://totp/…` URI an authenticator app reads from the QR code. */
export function otpauthUri(issuer: string, account: string, secret: string): string {
  return generateURI({ issuer, label: account, secret });
}

/** The QR code of `uri` as an SVG data URL, ready for an `<img src>`. */
export async function qrCodeDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
