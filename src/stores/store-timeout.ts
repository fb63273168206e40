/** A store command that did not answer in time; express-session turns it into a 503. */
class StoreTimeoutError extends Error {
  constructor(ms: number) {
    super(`session store did not answer within ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/**
 * Bounds a store call. node-redis's own command timeout stops counting once a command is written
 * to the socket, so a stalled Redis (paused, swapping, network black hole) would hold the request
 * forever; this bound holds whatever the client does.
 */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  // One promise and one timer per call (not a race of two promises and a finally): it runs on
  // every store read.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreTimeoutError(ms)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err as Error);
      },
    );
  });
}

/** Settles an express-session store callback from a promise. */
export function toCallback<T>(
  work: Promise<T>,
  cb?: (err?: unknown, data?: T) => void,
): Promise<void> {
  return work.then(
    (data) => cb?.(undefined, data),
    (err: unknown) => cb?.(err),
  );
}
