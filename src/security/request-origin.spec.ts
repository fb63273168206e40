import { describe, expect, it } from '@jest/globals';
import express, { type Request } from 'express';
import { resolveSessionOptions } from '../core/options/session-options.resolver.js';
import { allowedOrigins, claimedOrigin, isAllowedSource, ownOrigin } from './request-origin.js';

const app = express();

/** A plain-HTTP request to app.example with these headers, read through Express's getters. */
function request(headers: Record<string, string>): Request {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const socket = { encrypted: false, remoteAddress: '127.0.0.1' };
  return Object.assign(Object.create(app.request), {
    headers: { host: 'app.example', ...lower },
    socket,
    connection: socket,
  }) as Request;
}

const ALLOWED = new Set(['https://spa.example']);
const allowed = (headers: Record<string, string>) => isAllowedSource(request(headers), ALLOWED);

describe('claimedOrigin', () => {
  it('is the Origin header when there is one, even beside a Referer', () => {
    expect(
      claimedOrigin(request({ Origin: 'https://a.example', Referer: 'https://b.example/x' })),
    ).toBe('https://a.example');
  });

  it("is the Referer's origin without Origin", () => {
    expect(claimedOrigin(request({ Referer: 'https://b.example:8443/page?q=1' }))).toBe(
      'https://b.example:8443',
    );
  });

  it("is 'null' for a Referer that is no URL, and undefined when neither is sent", () => {
    expect(claimedOrigin(request({ Referer: 'not a url' }))).toBe('null');
    expect(claimedOrigin(request({}))).toBeUndefined();
  });
});

describe('ownOrigin', () => {
  it("is the request's scheme and Host", () => {
    expect(ownOrigin(request({}))).toBe('http://app.example');
    expect(ownOrigin(request({ Host: 'app.example:3000' }))).toBe('http://app.example:3000');
  });
});

describe('isAllowedSource', () => {
  it('accepts this app and the allowed origins, by Origin or by Referer', () => {
    expect(allowed({ Origin: 'http://app.example' })).toBe(true);
    expect(allowed({ Origin: 'https://spa.example' })).toBe(true);
    expect(allowed({ Referer: 'http://app.example/profile' })).toBe(true);
    expect(allowed({ Referer: 'https://spa.example/app' })).toBe(true);
  });

  it('refuses any other origin, by Origin or by Referer', () => {
    expect(allowed({ Origin: 'https://evil.example' })).toBe(false);
    expect(allowed({ Origin: 'https://app.example' })).toBe(false); // another scheme
    expect(allowed({ Referer: 'https://evil.example/page' })).toBe(false);
    expect(allowed({ Origin: 'https://evil.example', Referer: 'http://app.example/' })).toBe(false);
  });

  it('refuses Origin: null and a malformed Referer without Origin: neither skips the check', () => {
    expect(allowed({ Origin: 'null' })).toBe(false);
    expect(allowed({ Referer: 'not a url' })).toBe(false);
    expect(allowed({ Referer: '//app.example/profile' })).toBe(false);
    expect(allowed({ Referer: 'not a url', 'Sec-Fetch-Site': 'same-origin' })).toBe(false);
  });

  it('lets the token decide when no origin is named, unless the browser says cross-site', () => {
    expect(allowed({})).toBe(true);
    expect(allowed({ 'Sec-Fetch-Site': 'same-origin' })).toBe(true);
    expect(allowed({ 'Sec-Fetch-Site': 'none' })).toBe(true);
    expect(allowed({ 'Sec-Fetch-Site': 'cross-site' })).toBe(false);
  });
});

describe('allowedOrigins', () => {
  it('is cors.origins as a set, built once per options object', () => {
    const options = resolveSessionOptions({
      secrets: ['s'],
      cors: { origins: ['https://spa.example'] },
    });
    const set = allowedOrigins(options);
    expect([...set]).toEqual(['https://spa.example']);
    expect(allowedOrigins(options)).toBe(set);
    expect([...allowedOrigins(resolveSessionOptions({ secrets: ['s'] }))]).toEqual([]);
  });
});
