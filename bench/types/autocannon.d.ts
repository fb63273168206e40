// The part of autocannon's programmatic API the soak uses (the package ships no types).
declare module 'autocannon' {
  type Context = Record<string, string | undefined>;
  type RawHeaders = Record<string, string | string[]>;

  export interface Request {
    method?: 'GET' | 'POST';
    path: string;
    headers?: Record<string, string | undefined>;
    body?: string;
    setupRequest?: (request: Request, context: Context) => Request;
    onResponse?: (status: number, body: string, context: Context, headers: RawHeaders) => void;
  }

  export interface Result {
    errors: number;
    timeouts: number;
    non2xx: number;
    latency: { p50: number; p99: number; max: number };
    requests: { average: number; total: number };
  }

  export interface Options {
    url: string;
    connections: number;
    duration: number;
    requests: Request[];
  }

  export default function autocannon(
    options: Options,
    callback: (err: Error | null, result: Result) => void,
  ): unknown;
}
