import { describe, expect, it } from 'vitest';
import { showChar, showString, showToken } from './show.ts';

describe('Haskell show', () => {
  it('shows strings and chars with Haskell escapes', () => {
    expect(showString('a')).toBe('"a"');
    expect(showString('"')).toBe('"\\""');
    expect(showString('\\')).toBe('"\\\\"');
    expect(showString('\n\t\x07\x00\x7f')).toBe('"\\n\\t\\a\\NUL\\DEL"');
    expect(showString('é1')).toBe('"\\233\\&1"');
    expect(showString('\x0eH')).toBe('"\\SO\\&H"');
    expect(showChar("'")).toBe("'\\''");
    expect(showChar('"')).toBe("'\"'");
    expect(showChar('€')).toBe("'\\8364'");
    expect(showToken('x')).toBe('"x"');
    expect(showToken('🎉')).toBe('"\\127881"');
  });
});
