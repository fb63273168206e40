import { describe, expect, it } from '@jest/globals';
import { ipKey } from './ip-key.js';

describe('ipKey', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(ipKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(ipKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(ipKey('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });

  it('counts an IPv4-mapped address written in hex as its IPv4 address', () => {
    expect(ipKey('::ffff:c633:6407')).toBe('198.51.100.7');
    expect(ipKey('0:0:0:0:0:FFFF:C633:6407')).toBe('198.51.100.7');
  });

  it('counts every address of one IPv6 /64 under the same key', () => {
    const keys = [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0db8:0001:0002:0:0:0:42',
      '2001:DB8:1:2::abcd%eth0',
    ].map(ipKey);
    expect(new Set(keys)).toEqual(new Set(['2001:db8:1:2::/64']));
  });

  it('gives neighbouring /64 networks different keys', () => {
    expect(ipKey('2001:db8:1:2::1')).not.toBe(ipKey('2001:db8:1:3::1'));
  });

  it('expands :: at the start and in the middle', () => {
    expect(ipKey('::1')).toBe('0:0:0:0::/64');
    expect(ipKey('fe80::1:2:3:4')).toBe('fe80:0:0:0::/64');
    expect(ipKey('2001:db8::')).toBe('2001:db8:0:0::/64');
  });
});
