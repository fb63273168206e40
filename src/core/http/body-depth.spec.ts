import { describe, expect, it } from '@jest/globals';
import { exceedsDepth, MAX_BODY_DEPTH } from './body-depth.js';

/** `levels` objects (or arrays) nested in one another. */
function nested(levels: number, array = false): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < levels; i += 1) value = array ? [value] : { a: value };
  return value;
}

describe('exceedsDepth', () => {
  it('accepts bodies up to the limit and refuses one level more, objects and arrays alike', () => {
    expect(exceedsDepth(nested(MAX_BODY_DEPTH))).toBe(false);
    expect(exceedsDepth(nested(MAX_BODY_DEPTH + 1))).toBe(true);
    expect(exceedsDepth(nested(MAX_BODY_DEPTH, true))).toBe(false);
    expect(exceedsDepth(nested(MAX_BODY_DEPTH + 1, true))).toBe(true);
  });

  it('counts a flat object as one level and plain values as none', () => {
    expect(exceedsDepth({ email: 'a@example.com' }, 1)).toBe(false);
    expect(exceedsDepth({ email: { nested: true } }, 1)).toBe(true);
    for (const flat of [undefined, null, 'text', 42]) expect(exceedsDepth(flat, 0)).toBe(false);
  });

  it('finds a deep branch beside shallow ones', () => {
    expect(exceedsDepth({ a: 1, b: [1, 2], c: { d: nested(MAX_BODY_DEPTH) } })).toBe(true);
  });

  it('walks 100 000 levels without overflowing the stack', () => {
    expect(exceedsDepth(nested(100_000))).toBe(true);
  });
});
