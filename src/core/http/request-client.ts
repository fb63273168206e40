// core/http/ — small pure helpers over the Express request: client address, request kind, safe redirects, cookie options.
import type { Request } from 'express';

const MAX_USER_AGENT_LENGTH = 256;

/** Who is asking, as recorded in sessions and audit events. */
export interface RequestClient {
  /** `req.ip`: the socket address, or X-Forwarded-For only from proxies `trust proxy` names. */
  ip: string;
  userAgent: string;
}

export function requestClient(req: Request): RequestClient {
  return {
    ip: req.ip ?? req.socket?.remoteAddress ?? 'unknown',
    userAgent: (req.get('user-agent') ?? '').slice(0, MAX_USER_AGENT_LENGTH),
  };
}
