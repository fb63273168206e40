import { isIPv6 } from 'node:net';

/**
 * The key a client IP is counted under. IPv6 clients are counted per /64: a single host usually
 * holds a whole /64, and counting each /128 would hand an attacker 2^64 fresh counters.
 * IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) count as the IPv4 address they carry.
 */
export function ipKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, in canonical lower-case hex. */
function expandIPv6(ip: string): string[] {
  const address = ip.split('%')[0];
  const [head, tail] = address.split('::');
  const groups = (part: string | undefined): string[] => {
    if (!part) return [];
    // An embedded IPv4 tail (::1.2.3.4) stands for two groups.
    return part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  };
  const left = groups(head);
  const right = groups(tail);
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16));
}
