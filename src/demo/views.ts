import type { SessionProfile } from '../core/session-data.augmentation.js';
import type { PageVisit } from './demo-session.augmentation.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.5rem 0}input{padding:.4rem;width:100%}button{padding:.5rem 1rem}
.error{color:#b00020}</style></head>
<body><nav><a href="/">Home</a> · <a href="/profile">Profile</a> · <a href="/spa/">SPA</a></nav>
${body}</body></html>`;
}

export function homePage(profile: SessionProfile | undefined): string {
  const status = profile
    ? `<p id="status">Signed in as <strong>${escapeHtml(profile.displayName)}</strong>
       (${escapeHtml(profile.email)}). <a href="/profile">Your profile</a></p>`
    : `<p id="status">You are not signed in. <a href="/login">Sign in</a></p>`;
  return page('nest-session-auth demo', `<h1>nest-session-auth demo</h1>${status}`);
}

/** The token field every form that posts here carries (the CSRF check reads `_csrf`). */
export function csrfField(token: string): string {
  return `<input type="hidden" name="_csrf" value="${escapeHtml(token)}">`;
}

export type LoginPageError = 'invalid' | 'throttled' | 'expired';

const LOGIN_ERRORS: Record<LoginPageError, string> = {
  invalid: 'The email or password is incorrect.',
  throttled: 'Too many failed attempts. Wait a few minutes, then try again.',
  expired: 'The sign-in waited too long for its code. Sign in again.',
};

export function loginPage(
  next: string,
  error: LoginPageError | undefined,
  csrfToken: string,
): string {
  const message = error ? `<p class="error" role="alert">${LOGIN_ERRORS[error]}</p>` : '';
  return page(
    'Sign in',
    `<h1>Sign in</h1>${message}
<form method="post" action="/auth/login">
  ${csrfField(csrfToken)}
  <input type="hidden" name="next" value="${escapeHtml(next)}">
  <label>Email <input name="email" type="email" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <label><input name="remember" type="checkbox" value="true"> Keep me signed in on this device</label>
  <button type="submit">Sign in</button>
</form>`,
  );
}

export function profilePage(
  profile: SessionProfile,
  history: PageVisit[],
  csrfToken: string,
): string {
  const visits = history
    .map((v) => `<li>${escapeHtml(v.path)} at ${new Date(v.at).toISOString()}</li>`)
    .join('');
  return page(
    'Profile',
    `<h1>Profile</h1>
<dl><dt>Name</dt><dd id="name">${escapeHtml(profile.displayName)}</dd>
<dt>Email</dt><dd id="email">${escapeHtml(profile.email)}</dd>
<dt>Roles</dt><dd>${escapeHtml(profile.roles.join(', '))}</dd></dl>
<p><a href="/account/second-factor">Two-step sign-in</a></p>
<h2>Pages visited in this session</h2><ol id="history">${visits}</ol>
<form method="post" action="/auth/logout">${csrfField(csrfToken)}
  <button type="submit">Sign out</button></form>`,
  );
}
