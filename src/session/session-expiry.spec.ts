import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import {
  isLastSeenDue,
  markSessionEnded,
  sessionEndedBy,
  sessionEndReason,
} from './session-expiry.js';

const timeouts = { idleSeconds: 60, absoluteSeconds: 600 };
const profile = { id: 'u1', email: 'a@b.c', displayName: 'A', roles: [] };
const SIGN_IN = 1_000_000;

/** A session signed in at SIGN_IN and last seen at `lastSeenAt`. */
const signedIn = (lastSeenAt = SIGN_IN) => ({ profile, createdAt: SIGN_IN, lastSeenAt });

describe('sessionEndReason', () => {
  it('keeps a session up to the last millisecond before each deadline, and ends it at the deadline', () => {
    const idleDeadline = SIGN_IN + 60_000;
    expect(sessionEndReason(signedIn(), idleDeadline - 1, timeouts)).toBeUndefined();
    expect(sessionEndReason(signedIn(), idleDeadline, timeouts)).toBe('idle');

    // Active all along: seen 1 ms before each check, so only the absolute deadline applies.
    const absoluteDeadline = SIGN_IN + 600_000;
    const active = (now: number) => sessionEndReason(signedIn(now - 1), now, timeouts);
    expect(active(absoluteDeadline - 1)).toBeUndefined();
    expect(active(absoluteDeadline)).toBe('absolute');
  });

  it('says absolute when both deadlines have passed', () => {
    expect(sessionEndReason(signedIn(), SIGN_IN + 700_000, timeouts)).toBe('absolute');
  });

  it('counts the idle time from lastSeenAt, not from sign-in', () => {
    const now = SIGN_IN + 300_000;
    expect(sessionEndReason(signedIn(now - 59_999), now, timeouts)).toBeUndefined();
    expect(sessionEndReason(signedIn(now - 60_000), now, timeouts)).toBe('idle');
  });

  it('counts a signed-in session without lastSeenAt as idle since sign-in', () => {
    const session = { profile, createdAt: SIGN_IN };
    expect(sessionEndReason(session, SIGN_IN + 59_999, timeouts)).toBeUndefined();
    expect(sessionEndReason(session, SIGN_IN + 60_000, timeouts)).toBe('idle');
  });

  it('ends a signed-in session without createdAt, which could otherwise live forever', () => {
    expect(sessionEndReason({ profile, lastSeenAt: SIGN_IN }, SIGN_IN, timeouts)).toBe('absolute');
    expect(sessionEndReason({ profile }, SIGN_IN, timeouts)).toBe('absolute');
  });

  it('checks an anonymous session for idleness once it has a lastSeenAt', () => {
    expect(sessionEndReason({}, SIGN_IN, timeouts)).toBeUndefined();
    expect(sessionEndReason({ lastSeenAt: SIGN_IN }, SIGN_IN + 59_999, timeouts)).toBeUndefined();
    expect(sessionEndReason({ lastSeenAt: SIGN_IN }, SIGN_IN + 60_000, timeouts)).toBe('idle');
  });

  it('reads the timeouts as seconds', () => {
    const short = { idleSeconds: 1, absoluteSeconds: 2 };
    expect(sessionEndReason(signedIn(), SIGN_IN + 999, short)).toBeUndefined();
    expect(sessionEndReason(signedIn(), SIGN_IN + 1000, short)).toBe('idle');
    expect(sessionEndReason(signedIn(SIGN_IN + 1500), SIGN_IN + 1999, short)).toBeUndefined();
    expect(sessionEndReason(signedIn(SIGN_IN + 1500), SIGN_IN + 2000, short)).toBe('absolute');
  });
});

describe('isLastSeenDue', () => {
  it('is due once a whole touch interval has passed since lastSeenAt, not a millisecond sooner', () => {
    expect(isLastSeenDue({ lastSeenAt: SIGN_IN }, SIGN_IN + 5999, 6000)).toBe(false);
    expect(isLastSeenDue({ lastSeenAt: SIGN_IN }, SIGN_IN + 6000, 6000)).toBe(true);
  });

  it('counts from sign-in while a signed-in session has no lastSeenAt yet', () => {
    expect(isLastSeenDue({ profile, createdAt: SIGN_IN }, SIGN_IN + 5999, 6000)).toBe(false);
    expect(isLastSeenDue({ profile, createdAt: SIGN_IN }, SIGN_IN + 6000, 6000)).toBe(true);
    // lastSeenAt, once there, wins over the sign-in time.
    expect(isLastSeenDue(signedIn(SIGN_IN + 5000), SIGN_IN + 6000, 6000)).toBe(false);
  });

  it('is always due for an anonymous session without lastSeenAt, and on every request with interval 0', () => {
    expect(isLastSeenDue({}, SIGN_IN, 6000)).toBe(true);
    expect(isLastSeenDue({ lastSeenAt: SIGN_IN }, SIGN_IN, 0)).toBe(true);
  });
});

describe('markSessionEnded', () => {
  it('remembers the reason for that request only', () => {
    const req = {} as Request;
    expect(sessionEndedBy(req)).toBeUndefined();
    markSessionEnded(req, 'idle');
    expect(sessionEndedBy(req)).toBe('idle');
    expect(sessionEndedBy({} as Request)).toBeUndefined();
  });
});
