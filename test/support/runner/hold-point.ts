// A deterministic interleaving: the test holds one call at a named point until it lets it go.
import type { Gate } from '../apps/faulty-backend.js';

export type { Gate };

/** A point in the code where the test can hold the next call until it releases it. */
export class HoldPoint {
  private held?: { arrive(): void; released: Promise<void> };

  holdNext(): Gate {
    let arrive!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (arrive = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.held = { arrive, released };
    return { reached, release };
  }

  async pass(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (!held) return;
    held.arrive();
    await held.released;
  }
}
