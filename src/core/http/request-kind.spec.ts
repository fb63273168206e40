import { describe, expect, it } from '@jest/globals';
import express, { type Request } from 'express';
import { isFormPost, prefersHtml } from './request-kind.js';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** A request with these headers, read through Express's own req.get/accepts/is. */
function request(headers: Record<string, string>): Request {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.assign(Object.create(express.request), { headers: lower }) as Request;
}

describe('prefersHtml', () => {
  it('treats a navigation (Sec-Fetch-Mode: navigate) as one, whatever its Accept', () => {
    expect(prefersHtml(request({ 'Sec-Fetch-Mode': 'navigate', Accept: BROWSER_ACCEPT }))).toBe(
      true,
    );
    expect(prefersHtml(request({ 'Sec-Fetch-Mode': 'navigate', Accept: '*/*' }))).toBe(true);
    expect(prefersHtml(request({ 'Sec-Fetch-Mode': 'navigate' }))).toBe(true);
  });

  it("treats a script's request (any other Sec-Fetch-Mode) as an API call, whatever its Accept", () => {
    for (const mode of ['cors', 'same-origin', 'no-cors', 'websocket']) {
      expect(prefersHtml(request({ 'Sec-Fetch-Mode': mode, Accept: BROWSER_ACCEPT }))).toBe(false);
    }
  });

  it('treats an XMLHttpRequest as an API call, whatever it accepts', () => {
    for (const value of ['XMLHttpRequest', 'xmlhttprequest']) {
      const req = request({ 'X-Requested-With': value, Accept: BROWSER_ACCEPT });
      expect(prefersHtml(req)).toBe(false);
    }
    // Android's WebView names the app there on navigations: still a navigation.
    const webView = request({ 'X-Requested-With': 'com.example.app', Accept: BROWSER_ACCEPT });
    expect(prefersHtml(webView)).toBe(true);
  });

  it('lets Accept decide without Sec-Fetch-Mode: HTML only when preferred to JSON', () => {
    expect(prefersHtml(request({ Accept: BROWSER_ACCEPT }))).toBe(true);
    expect(prefersHtml(request({ Accept: 'text/html' }))).toBe(true);
    expect(prefersHtml(request({ Accept: 'application/json' }))).toBe(false);
    expect(prefersHtml(request({ Accept: '*/*' }))).toBe(false);
    expect(prefersHtml(request({ Accept: 'application/json, text/html' }))).toBe(false);
    expect(prefersHtml(request({}))).toBe(false);
  });
});

describe('isFormPost', () => {
  const post = (type?: string) =>
    request(type === undefined ? {} : { 'Content-Type': type, 'Content-Length': '3' });

  it('is true for a urlencoded form post, charset or not', () => {
    expect(isFormPost(post('application/x-www-form-urlencoded'))).toBe(true);
    expect(isFormPost(post('application/x-www-form-urlencoded; charset=UTF-8'))).toBe(true);
  });

  it('is false for JSON, multipart, text and a request without a body', () => {
    expect(isFormPost(post('application/json'))).toBe(false);
    expect(isFormPost(post('multipart/form-data; boundary=x'))).toBe(false);
    expect(isFormPost(post('text/plain'))).toBe(false);
    expect(isFormPost(post())).toBe(false);
  });
});
