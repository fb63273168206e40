import { describe, expect, it } from '@jest/globals';
import {
  checkTotpCode,
  isTotpCode,
  newTotpSecret,
  otpauthUri,
  qrCodeDataUrl,
  timeStepAt,
  TOTP_PERIOD_SECONDS,
  totpCodeAt,
} from './totp.js';

const STEP_MS = TOTP_PERIOD_SECONDS * 1000;
/** The middle of a time step, so ±1 step from here is unambiguous. */
const NOW = 1_800_000_000_000 + STEP_MS / 2;

describe('TOTP codes', () => {
  const secret = newTotpSecret();

  it('matches RFC 6238 test vector (SHA-1, T = 59 s)', async () => {
    // RFC 6238 Appendix B: secret "12345678901234567890", 8 digits 94287082; 6 digits: 287082.
    const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(await totpCodeAt(rfcSecret, 59_000)).toBe('287082');
  });

  it('accepts the current code and answers its time step', async () => {
    const code = await totpCodeAt(secret, NOW);
    expect(await checkTotpCode(secret, code, 0, NOW)).toBe(timeStepAt(NOW));
  });

  it.each([-1, 1])('accepts a code one step off (%i), for clock drift', async (steps) => {
    const code = await totpCodeAt(secret, NOW + steps * STEP_MS);
    expect(await checkTotpCode(secret, code, 0, NOW)).toBe(timeStepAt(NOW) + steps);
  });

  it.each([-2, 2])('refuses a code two steps off (%i)', async (steps) => {
    const code = await totpCodeAt(secret, NOW + steps * STEP_MS);
    expect(await checkTotpCode(secret, code, 0, NOW)).toBeUndefined();
  });

  it('refuses a code of a step already accepted (replay), and any earlier one', async () => {
    const step = timeStepAt(NOW);
    const current = await totpCodeAt(secret, NOW);
    const previous = await totpCodeAt(secret, NOW - STEP_MS);
    const next = await totpCodeAt(secret, NOW + STEP_MS);
    expect(await checkTotpCode(secret, current, step, NOW)).toBeUndefined();
    expect(await checkTotpCode(secret, previous, step, NOW)).toBeUndefined();
    expect(await checkTotpCode(secret, next, step, NOW)).toBe(step + 1);
  });

  it("refuses another secret's code and anything that is not six digits", async () => {
    const other = await totpCodeAt(newTotpSecret(), NOW);
    const code = await totpCodeAt(secret, NOW);
    expect(await checkTotpCode(secret, other === code ? '000000' : other, 0, NOW)).toBeUndefined();
    for (const bad of ['', '12345', '1234567', 'abcdef', ` ${code}`]) {
      expect(isTotpCode(bad)).toBe(false);
      expect(await checkTotpCode(secret, bad, 0, NOW)).toBeUndefined();
    }
  });

  it('makes 160-bit base32 secrets, a different one each time', () => {
    const a = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(a);
  });

  it('names issuer and account in the otpauth URI, and draws it as an SVG data URL', async () => {
    const uri = otpauthUri('Example App', 'ada@example.com', secret);
    const url = new URL(uri);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('Example App');
    const qr = await qrCodeDataUrl(uri);
    expect(qr).toMatch(/^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(qr.split(',')[1], 'base64').toString('utf8');
    expect(svg).toContain('<svg');
  });
});
