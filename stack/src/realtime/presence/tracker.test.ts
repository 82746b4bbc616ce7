import { describe, expect, it } from 'vitest';
import { jsonEqual, PresenceTopic } from './tracker.ts';

describe('PresenceTopic', () => {
  it('a first track joins the key with a fresh phx_ref', () => {
    const topic = new PresenceTopic<string>();
    const diff = topic.track('a', 'user-1', { name: 'a' });
    expect(diff?.leaves).toEqual({});
    expect(diff?.joins['user-1']?.metas).toEqual([{ name: 'a', phx_ref: expect.any(String) }]);
    expect(topic.state()).toEqual(diff?.joins);
  });

  it('tracking a new payload replaces the meta: join with phx_ref_prev and leave of the old one', () => {
    const topic = new PresenceTopic<string>();
    const first = topic.track('a', 'k', { v: 1 })?.joins.k?.metas[0];
    const diff = topic.track('a', 'k', { v: 2 });
    expect(diff?.leaves).toEqual({ k: { metas: [first] } });
    const meta = diff?.joins.k?.metas[0];
    expect(meta).toMatchObject({ v: 2, phx_ref_prev: first?.phx_ref });
    expect(meta?.phx_ref).not.toBe(first?.phx_ref);
    expect(topic.state().k?.metas).toHaveLength(1);
  });

  it('tracking an equal payload again changes nothing', () => {
    const topic = new PresenceTopic<string>();
    topic.track('a', 'k', { x: [1, { y: 2 }], z: null });
    expect(topic.track('a', 'k', { z: null, x: [1, { y: 2 }] })).toBeUndefined();
  });

  it('channels sharing a key appear as one key with several metas', () => {
    const topic = new PresenceTopic<string>();
    topic.track('a', 'same', { n: 1 });
    topic.track('b', 'same', { n: 2 });
    expect(topic.state().same?.metas.map((m) => m.n)).toEqual([1, 2]);
  });

  it('untrack leaves the key with the removed meta; untracking twice is silent', () => {
    const topic = new PresenceTopic<string>();
    const meta = topic.track('a', 'k', {})?.joins.k?.metas[0];
    expect(topic.untrack('a')).toEqual({ joins: {}, leaves: { k: { metas: [meta] } } });
    expect(topic.untrack('a')).toBeUndefined();
    expect(topic.state()).toEqual({});
    expect(topic.size).toBe(0);
  });
});

describe('jsonEqual', () => {
  it.each([
    [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, true],
    [{ a: 1 }, { a: 1, b: undefined }, false],
    [[1, 2], [2, 1], false],
    [{ a: {} }, { a: [] }, false],
    [null, null, true],
    [1, '1', false],
  ])('%j vs %j → %s', (a, b, expected) => {
    expect(jsonEqual(a, b)).toBe(expected);
  });
});
