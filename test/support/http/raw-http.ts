import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  head: string;
}

/**
 * Sends bytes exactly as given (no client-side header validation) and reads the status line.
 * For inputs a well-behaved client refuses to send: bad bytes in headers, no Host, and so on.
 */
export function rawRequest(
  port: number,
  bytes: Buffer | string,
  timeoutMs = 5000,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no answer within ${timeoutMs} ms to ${JSON.stringify(String(bytes).slice(0, 200))}`,
        ),
      );
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!match) {
        reject(new Error(`no HTTP status line in answer: ${JSON.stringify(text.slice(0, 200))}`));
        return;
      }
      resolve({
        status: Number(match[1]),
        head: text.slice(0, text.indexOf('\r\n\r\n') + 1 || 2000),
      });
    };
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', finish);
    socket.on('error', (err) => (chunks.length ? finish() : reject(err)));
    // write, not end: Node's HTTP server drops a request whose client half-closes before the
    // answer is ready. `Connection: close` makes the server end the socket after answering.
    socket.write(bytes);
  });
}

/** A request with `Connection: close` and a correct Content-Length. */
export function httpRequest(
  method: string,
  path: string,
  headers: Record<string, string | Buffer>,
  body: Buffer | string = '',
): Buffer {
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const lines: Buffer[] = [Buffer.from(`${method} ${path} HTTP/1.1\r\n`, 'latin1')];
  const all: Record<string, string | Buffer> = { Connection: 'close', ...headers };
  if (payload.length > 0 || method === 'POST') all['Content-Length'] = String(payload.length);
  for (const [name, value] of Object.entries(all)) {
    lines.push(
      Buffer.concat([
        Buffer.from(`${name}: `, 'latin1'),
        Buffer.from(value as never),
        Buffer.from('\r\n'),
      ]),
    );
  }
  lines.push(Buffer.from('\r\n'), payload);
  return Buffer.concat(lines);
}
