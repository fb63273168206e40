import { describe, expect, it } from '@jest/globals';
import { isSafeRedirect, loginRedirectUrl, safeRedirectTarget } from './safe-redirect.js';

describe('isSafeRedirect', () => {
  it.each([
    '/',
    '/profile',
    '/profile?tab=sessions&x=1',
    '/a/b#frag',
    '/%2F%2Fevil.com', // percent-encoded slashes stay a path on this site
    '/search?q=http://evil.com',
  ])('accepts the same-origin path %j', (target) => {
    expect(isSafeRedirect(target)).toBe(true);
  });

  // The vectors Django's url_has_allowed_host_and_scheme tests refuse, and a few more.
  it.each([
    '',
    'profile',
    '//evil.com',
    '///evil.com',
    '//evil.com/profile',
    '/\\evil.com',
    '\\\\evil.com',
    '\\/evil.com',
    '/\\/evil.com',
    'http://evil.com',
    'https://evil.com/profile',
    'HTTP://evil.com',
    'http:evil.com',
    'http:/evil.com',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'ftp://evil.com',
    '/\t/evil.com',
    '/\n/evil.com',
    '/\r\n/evil.com',
    '/\u0000/evil.com',
    '/ /evil.com',
    '\u0001//evil.com',
    '/' + 'a'.repeat(3000),
  ])('refuses %j', (target) => {
    expect(isSafeRedirect(target)).toBe(false);
  });

  it('accepts a path of up to 2048 characters, and refuses a longer one', () => {
    expect(isSafeRedirect('/' + 'a'.repeat(2047))).toBe(true);
    expect(isSafeRedirect('/' + 'a'.repeat(2048))).toBe(false);
  });

  it('accepts a path with // further on (only a leading // names another host)', () => {
    expect(isSafeRedirect('/a//')).toBe(true);
    expect(isSafeRedirect('/a//b')).toBe(true);
  });

  it('refuses values that are not strings', () => {
    for (const value of [undefined, null, 42, ['/profile'], { href: '/' }]) {
      expect(isSafeRedirect(value)).toBe(false);
    }
  });
});

describe('safeRedirectTarget', () => {
  it('falls back to / (or the given fallback) for an unsafe target', () => {
    expect(safeRedirectTarget('//evil.com')).toBe('/');
    expect(safeRedirectTarget('https://evil.com', '/home')).toBe('/home');
    expect(safeRedirectTarget('/profile')).toBe('/profile');
  });
});

describe('loginRedirectUrl', () => {
  it('carries the path and query, URL-encoded, in ?next=', () => {
    expect(loginRedirectUrl('/login', '/profile?tab=a&b=1')).toBe(
      '/login?next=%2Fprofile%3Ftab%3Da%26b%3D1',
    );
  });

  it('appends with & when the login URL has a query already', () => {
    expect(loginRedirectUrl('/sso?realm=x', '/p')).toBe('/sso?realm=x&next=%2Fp');
  });

  it('never carries an unsafe target', () => {
    expect(loginRedirectUrl('/login', '//evil.com')).toBe('/login?next=%2F');
  });
});
