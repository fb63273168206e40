import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports for private servers (Redis, cluster nodes, nginx, app instances), shared by the tests and
 * the bench. They come from below the kernel's ephemeral range, never from `listen(0)`: the kernel
 * hands ephemeral ports to outgoing sockets, so while a test restarts a server, the app's client
 * reconnecting to it (or any other process) could take its port, or connect to itself on it
 * (TCP simultaneous open), and the server could not start again.
 */
const LOWEST_PORT = 20_000;
/** Linux's default range, for when /proc is not there to read. */
const DEFAULT_EPHEMERAL: PortRange = { first: 32_768, last: 60_999 };
/** Enough room that random picks by several concurrent test runs rarely meet. */
const MIN_CHOICES = 2_000;

interface PortRange {
  first: number;
  last: number;
}

/** Ports this process handed out: a server may not have bound its port yet. */
const handedOut = new Set<number>();

/**
 * A TCP port on 127.0.0.1, outside the ephemeral range, that was free a moment ago and that this
 * process has not handed out before. Chosen at random, since other test runs on the same machine
 * pick from the same range.
 */
export async function freePort(): Promise<number> {
  const { first, last } = privateRange();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = first + Math.floor(Math.random() * (last - first + 1));
    if (handedOut.has(port) || !(await canBind(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port on 127.0.0.1 between ${first} and ${last} after 200 tries`);
}

/** Where private servers listen: below the ephemeral range, or above it if that is too low. */
export function privateRange(ephemeral = ephemeralRange()): PortRange {
  if (ephemeral.first - 1 - LOWEST_PORT >= MIN_CHOICES)
    return { first: LOWEST_PORT, last: ephemeral.first - 1 };
  if (65_535 - ephemeral.last >= MIN_CHOICES) return { first: ephemeral.last + 1, last: 65_535 };
  throw new Error(
    `the ephemeral port range ${ephemeral.first}-${ephemeral.last} leaves no room for test ` +
      'servers: narrow it, e.g. sysctl -w net.ipv4.ip_local_port_range="32768 60999"',
  );
}

/** The kernel's range for outgoing connections (/proc/sys/net/ipv4/ip_local_port_range). */
export function ephemeralRange(): PortRange {
  try {
    const [first, last] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (Number.isInteger(first) && Number.isInteger(last) && first <= last) return { first, last };
  } catch {
    // Not Linux, or /proc not mounted: assume Linux's default.
  }
  return DEFAULT_EPHEMERAL;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}
