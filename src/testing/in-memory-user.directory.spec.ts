import { describe, expect, it } from '@jest/globals';
import { InMemoryUserDirectory } from './in-memory-user.directory.js';

const ADA = { email: 'Ada@Example.com', password: 'analytical engine 1843' };

describe('InMemoryUserDirectory', () => {
  it('stores a hash by compare-and-set only over the hash it expects, as a database would', async () => {
    const directory = new InMemoryUserDirectory([ADA]);
    const user = (await directory.findByEmail('ada@example.com'))!;
    const checked = user.passwordHash;
    expect(await directory.compareAndSetPasswordHash(user.id, checked, 'first')).toBe(true);
    expect((await directory.findByEmail('ada@example.com'))?.passwordHash).toBe('first');
    // A second write expecting the same (now replaced) hash loses and changes nothing.
    expect(await directory.compareAndSetPasswordHash(user.id, checked, 'second')).toBe(false);
    expect((await directory.findByEmail('ada@example.com'))?.passwordHash).toBe('first');
    expect(await directory.compareAndSetPasswordHash('nobody', 'first', 'third')).toBe(false);
  });

  it('stores a hash unconditionally with updatePasswordHash', async () => {
    const directory = new InMemoryUserDirectory([ADA]);
    await directory.updatePasswordHash('ada@example.com', 'replaced');
    expect((await directory.findByEmail('ada@example.com'))?.passwordHash).toBe('replaced');
  });
});
