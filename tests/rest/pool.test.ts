import { describe, expect, it } from 'vitest';
import { client } from './helpers.ts';

/**
 * Every request borrows a pooled connection for its transaction. Failures must hand it back:
 * a leak shows as every later database-backed request hanging once the pool is drained.
 */
describe('connections are returned on every path', () => {
  it('keeps answering after more failing requests than the pool holds', async () => {
    const anon = client('anon');
    const failures = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? // fails inside the transaction, at execution (invalid integer literal)
            anon.from('authors').select('id').eq('id', `not-a-number-${i}`)
          : // fails inside a write transaction (name is NOT NULL)
            anon.from('authors').insert({ id: -i }),
      ),
    );
    for (const [i, result] of failures.entries()) {
      expect(result.error, `request ${i}`).not.toBeNull();
      expect(result.status, `request ${i}`).toBeGreaterThanOrEqual(400);
      expect(result.status, `request ${i}`).toBeLessThan(500);
    }
    const after = await anon.from('authors').select('id').limit(1);
    expect(after.error).toBeNull();
    expect(after.status).toBe(200);
  });
});
