import ipaddr from 'ipaddr.js';

/**
 * The key a client IP is counted under, from ipaddr.js's parse, so every spelling of one address
 * shares one counter. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, also written in hex as
 * `::ffff:102:304`) count as the IPv4 address they carry. IPv6 clients are counted per /64: a
 * single host usually holds a whole /64, and counting each /128 would hand an attacker 2^64
 * fresh counters. Anything that does not parse as an address is counted as it is.
 */
export function ipKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const groups = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${groups.join(':')}::/64`;
}
