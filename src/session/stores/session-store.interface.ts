import type { Store } from 'express-session';

/** One session backend: the express-session store plus what the module needs to run it. */
export interface SessionStoreAdapter {
  /** Short name for logs and health output: `redis`, `redis-cluster`, `memory`, `postgres`. */
  readonly kind: string;
  /** The express-session store. */
  readonly store: Store;
  /** Resolves true when the backend answers now; never throws. */
  isReady(): Promise<boolean>;
  /** Closes connections; called on application shutdown. */
  close(): Promise<void>;
}
