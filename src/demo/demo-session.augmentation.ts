import 'express-session';

export interface PageVisit {
  path: string;
  at: number;
}

// The demo's own session fields, added the same way an app would add its own.
declare module 'express-session' {
  interface SessionData {
    history?: PageVisit[];
  }
}
