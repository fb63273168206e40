import { describe, expect, it } from '@jest/globals';
import { isTrustProxyEntry, trustProxyEntries } from './trust-proxy.js';

describe('isTrustProxyEntry', () => {
  it.each([
    'loopback',
    'linklocal',
    'uniquelocal',
    '10.0.0.5',
    '10.0.0.0/8',
    '10.0.0.0/255.0.0.0',
    '192.168.1.1/32',
    '::1',
    'fd00::/8',
    '2001:db8::/128',
    '::ffff:10.0.0.5',
  ])('accepts %j, as Express does', (entry) => {
    expect(isTrustProxyEntry(entry)).toBe(true);
  });

  it.each([
    '0.0.0.0/0', // every address: that is `true`
    '::/0',
    'nginx',
    '',
    '10.0.0.0/33',
    '10.0.0.0/255.0.255.0',
    'fd00::/129',
    '10.0.0.0/',
    '10.0.0.256',
    'Loopback',
  ])('refuses %j', (entry) => {
    expect(isTrustProxyEntry(entry)).toBe(false);
  });

  it('splits a list as Express does, keeping an empty last entry to refuse', () => {
    expect(trustProxyEntries('loopback, 10.0.0.5,')).toEqual(['loopback', '10.0.0.5', '']);
  });
});
