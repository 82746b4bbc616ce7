import { describe, expect, it } from 'vitest';
import { parseDotenv } from './dotenv.ts';

describe('parseDotenv', () => {
  it('reads the forms the supabase CLI accepts', () => {
    expect(
      parseDotenv(
        [
          '# a comment',
          'PLAIN=value',
          'export EXPORTED=yes',
          'SPACED = trimmed   ',
          'COMMENTED=kept # dropped',
          "SINGLE='no $escapes \\n here'",
          'DOUBLE="line\\nbreak \\"quoted\\""',
          'EMPTY=',
          'MULTI="first',
          'second"',
          'COLON: value',
          'not a line',
        ].join('\n'),
      ),
    ).toEqual({
      PLAIN: 'value',
      EXPORTED: 'yes',
      SPACED: 'trimmed',
      COMMENTED: 'kept',
      SINGLE: 'no $escapes \\n here',
      DOUBLE: 'line\nbreak "quoted"',
      EMPTY: '',
      MULTI: 'first\nsecond',
      COLON: 'value',
    });
  });

  it('handles CRLF and an unterminated quote without hanging', () => {
    expect(parseDotenv('A=1\r\nB="open')).toEqual({ A: '1', B: 'open' });
  });
});
