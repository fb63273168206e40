import ipaddr from 'ipaddr.js';

/** The names Express's `trust proxy` (proxy-addr) accepts for whole address ranges. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Whether `entry` is one item of Express's `trust proxy` list: a range name, an IP address, or an
 * address with a prefix length (`10.0.0.0/8`) or, for IPv4, a netmask (`10.0.0.0/255.0.0.0`).
 * The grammar of proxy-addr, checked here so a typo stops the boot with one line that names the
 * option instead of a proxy-addr stack trace. A prefix of 0 (`0.0.0.0/0`) is refused, as
 * proxy-addr does: trusting every address is `true`, which production refuses anyway.
 */
export function isTrustProxyEntry(entry: string): boolean {
  if (RANGE_NAMES.includes(entry)) return true;
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  if (!ipaddr.isValid(address)) return false;
  if (slash === -1) return true;
  const range = entry.slice(slash + 1);
  const ip = ipaddr.parse(address);
  const max = ip.kind() === 'ipv4' ? 32 : 128;
  if (/^\d{1,3}$/.test(range)) return Number(range) >= 1 && Number(range) <= max;
  if (ip.kind() === 'ipv4' && ipaddr.IPv4.isValidFourPartDecimal(range)) {
    const prefix = ipaddr.IPv4.parse(range).prefixLengthFromSubnetMask();
    return prefix !== null && prefix >= 1;
  }
  return false;
}

/** The comma-separated entries of a `trust proxy` list, as Express splits them. */
export function trustProxyEntries(list: string): string[] {
  return list.split(',').map((entry) => entry.trim());
}
