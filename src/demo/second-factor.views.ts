import type { SecondFactorEnrolment, SecondFactorStatus } from '../auth/second-factor.service.js';
import { csrfField, escapeHtml, page } from './views.js';

export type CodePageError = 'invalid' | 'throttled';

const CODE_ERRORS: Record<CodePageError, string> = {
  invalid: 'That code is incorrect or was already used.',
  throttled: 'Too many wrong codes. Wait a few minutes, then try again.',
};

function errorLine(error: CodePageError | undefined): string {
  return error ? `<p class="error" role="alert">${CODE_ERRORS[error]}</p>` : '';
}

/** The code step after the password: posts to the library's `POST /auth/second-factor`. */
export function secondFactorCodePage(
  next: string,
  error: CodePageError | undefined,
  csrfToken: string,
): string {
  return page(
    'Enter your code',
    `<h1>Enter your code</h1>${errorLine(error)}
<p>Open your authenticator app and enter the 6-digit code, or one of your recovery codes.</p>
<form method="post" action="/auth/second-factor">
  ${csrfField(csrfToken)}
  <input type="hidden" name="next" value="${escapeHtml(next)}">
  <label>Code <input name="code" autocomplete="one-time-code" inputmode="numeric" required></label>
  <button type="submit">Verify</button>
</form>`,
  );
}

/** Two-step sign-in settings: set it up, or turn it off. */
export function secondFactorSettingsPage(
  status: SecondFactorStatus,
  error: CodePageError | undefined,
  csrfToken: string,
): string {
  if (!status.available) {
    return page('Two-step sign-in', '<h1>Two-step sign-in</h1><p>Not available here.</p>');
  }
  const body = status.enabled
    ? `<p id="second-factor-status">Two-step sign-in is on. Recovery codes left:
  ${status.recoveryCodesLeft}.</p>
<form method="post" action="/account/second-factor/disable">
  ${csrfField(csrfToken)}
  <label>Code to turn it off <input name="code" autocomplete="one-time-code" required></label>
  <button type="submit">Turn off</button>
</form>`
    : `<p id="second-factor-status">Two-step sign-in is off.</p>
<form method="post" action="/account/second-factor/enrol">${csrfField(csrfToken)}
  <button type="submit">Set up two-step sign-in</button></form>`;
  return page('Two-step sign-in', `<h1>Two-step sign-in</h1>${errorLine(error)}${body}`);
}

/** The new secret as a QR code (and as text), and the form that confirms it with a first code. */
export function enrolmentPage(enrolment: SecondFactorEnrolment, csrfToken: string): string {
  return page(
    'Set up two-step sign-in',
    `<h1>Set up two-step sign-in</h1>
<p>Scan this code with your authenticator app, then enter the code it shows.</p>
<img id="qr-code" src="${escapeHtml(enrolment.qrCode)}" alt="QR code for your authenticator app" width="200" height="200">
<p>Or enter this key by hand: <code id="secret">${escapeHtml(enrolment.secret)}</code></p>
<p><small id="otpauth-uri">${escapeHtml(enrolment.otpauthUri)}</small></p>
<form method="post" action="/account/second-factor/confirm">
  ${csrfField(csrfToken)}
  <label>Code <input name="code" autocomplete="one-time-code" inputmode="numeric" required></label>
  <button type="submit">Turn on</button>
</form>`,
  );
}

/** The recovery codes, shown once. */
export function recoveryCodesPage(codes: readonly string[]): string {
  const items = codes.map((code) => `<li><code>${escapeHtml(code)}</code></li>`).join('');
  return page(
    'Your recovery codes',
    `<h1>Two-step sign-in is on</h1>
<p>Keep these recovery codes somewhere safe. Each signs you in once if you lose your phone.
They are shown only now.</p>
<ol id="recovery-codes">${items}</ol>
<p><a href="/profile">Back to your profile</a></p>`,
  );
}
