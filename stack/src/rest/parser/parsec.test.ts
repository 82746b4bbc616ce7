import { describe, expect, it } from 'vitest';
import { parseParam, showErrorMessages } from './parse-error.ts';
import {
  alt,
  attempt,
  char,
  digit,
  eof,
  label,
  letter,
  lookAhead,
  many,
  many1,
  memo,
  nested,
  notFollowedBy,
  type Parser,
  type Reply,
  sepBy,
  seq,
  string,
  where,
} from './parsec.ts';
import { expectPostgrestError } from './test-helpers.ts';

function run<T>(p: Parser<T>, text: string): Reply<T> {
  return p({ chars: Array.from(text), depth: 0 }, 0);
}

function details<T>(p: Parser<T>, text: string): string {
  const reply = run(p, text);
  if (reply.ok) throw new Error('expected a failure');
  return showErrorMessages(reply.error);
}

describe('Parsec semantics', () => {
  it('char and string fail without consuming at their start, string consumes after a partial match', () => {
    expect(run(char('a'), 'b')).toMatchObject({ ok: false, consumed: false, error: { pos: 0 } });
    expect(run(string('asc'), 'ac')).toMatchObject({ ok: false, consumed: true, error: { pos: 0 } });
    expect(details(string('asc'), 'ac')).toBe('unexpected "c" expecting "asc"');
    expect(details(string('asc'), '')).toBe('unexpected end of input expecting "asc"');
  });

  it('alt only tries the next alternative after a failure that consumed nothing', () => {
    expect(run(alt(string('ab'), string('ac')), 'ac')).toMatchObject({ ok: false, consumed: true });
    expect(run(alt(attempt(string('ab')), string('ac')), 'ac')).toMatchObject({ ok: true, value: 'ac' });
  });

  it('merges the expectations of alternatives failing at the same position', () => {
    expect(details(alt(char('a'), char('b'), label(digit, 'a digit')), 'x')).toBe(
      'unexpected "x" expecting "a", "b" or a digit',
    );
  });

  it('keeps the error furthest into the input', () => {
    const p = alt(
      attempt(seq([char('a'), char('b'), char('c')], () => 1)),
      attempt(seq([char('a'), char('x')], () => 2)),
    );
    expect(details(p, 'abd')).toBe('unexpected "d" expecting "c"');
  });

  it('carries the expectations of a loop that stopped into a later failure', () => {
    const p = seq([many1(letter), char(';')], (word) => word);
    expect(details(p, 'ab,')).toBe('unexpected "," expecting letter or ";"');
  });

  it('label replaces expectations only when nothing was consumed', () => {
    expect(details(label(string('ab'), 'AB'), 'x')).toBe('unexpected "x" expecting AB');
    expect(details(label(string('ab'), 'AB'), 'ax')).toBe('unexpected "x" expecting "ab"');
  });

  it("eof and notFollowedBy report Parsec's unexpected token", () => {
    expect(
      details(
        seq([char('a'), eof], () => null),
        'ab',
      ),
    ).toBe("unexpected 'b' expecting end of input");
    expect(
      details(
        seq([char('a'), notFollowedBy(char('b'))], () => null),
        'ab',
      ),
    ).toBe("unexpected 'b'");
    expect(
      run(
        seq([char('a'), notFollowedBy(char('b'))], () => 1),
        'ac',
      ),
    ).toMatchObject({ ok: true, pos: 1 });
  });

  it('lookAhead succeeds without consuming', () => {
    expect(run(lookAhead(string('ab')), 'ab')).toMatchObject({ ok: true, consumed: false, pos: 0 });
  });

  it('where fails like `guard` after its parser', () => {
    expect(
      run(
        where(many1(letter), (s) => s.length > 2),
        'ab',
      ),
    ).toMatchObject({ ok: false, consumed: true });
  });

  it('sepBy accepts an empty list', () => {
    expect(run(sepBy(letter, char(',')), '')).toMatchObject({ ok: true, value: [] });
    expect(run(sepBy(letter, char(',')), 'a,b')).toMatchObject({ ok: true, value: ['a', 'b'] });
  });

  it('many stops on a parser that would accept empty input instead of looping', () => {
    expect(
      run(
        many(
          alt(
            letter,
            seq([], () => '?'),
          ),
        ),
        'ab1',
      ),
    ).toMatchObject({ ok: true, value: ['a', 'b'] });
  });

  it('memo returns the same reply for the same input and position', () => {
    let calls = 0;
    const counted = memo<string>((input, pos) => {
      calls++;
      return letter(input, pos);
    });
    const input = { chars: ['a'], depth: 0 };
    expect(counted(input, 0)).toBe(counted(input, 0));
    expect(calls).toBe(1);
  });

  it('nested fails, consuming, beyond the nesting limit', () => {
    const input = { chars: ['a'], depth: 1000 };
    expect(nested(letter)(input, 0)).toMatchObject({ ok: false, consumed: true });
    expect(input.depth).toBe(1000);
  });

  it('shows an error without messages as Parsec does', () => {
    expect(showErrorMessages({ pos: 0, messages: [] })).toBe('unknown parse error');
  });
});

describe('parseParam', () => {
  it('names the parameter and the line and column as PostgREST does', () => {
    expectPostgrestError(
      () =>
        parseParam(
          seq([char('a'), char('b')], () => 1),
          'failed to parse x (a\nc)',
          'a\nc',
        ),
      {
        message: '"failed to parse x (a\nc)" (line 1, column 2)',
        details: 'unexpected "\\n" expecting "b"',
      },
    );
    expectPostgrestError(() => parseParam(letter, 'p', '1'), { message: '"p" (line 1, column 1)' });
    const twoLines = seq([char('\n'), char('\n'), letter], () => 1);
    expectPostgrestError(() => parseParam(twoLines, 'p', '\n\n1'), { message: '"p" (line 3, column 1)' });
  });
});
