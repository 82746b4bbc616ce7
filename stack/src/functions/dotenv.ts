/**
 * `.env` files as the supabase CLI reads them (godotenv rules): `KEY=value` lines, optional
 * `export `, `#` comments, single quotes literal, double quotes with `\n` `\t` `\"` `\\` escapes,
 * unquoted values trimmed and cut at ` #`.
 */
export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*[=:]\s*(.*)$/.exec(line);
    if (!match) continue;
    const key = match[1] as string;
    let raw = match[2] as string;
    const quote = raw[0];
    if (quote === '"' || quote === "'") {
      // A quoted value may span lines until its closing quote.
      let body = raw.slice(1);
      while (!closes(body, quote) && i + 1 < lines.length) body += `\n${lines[++i]}`;
      const end = closingIndex(body, quote);
      raw = end === -1 ? body : body.slice(0, end);
      values[key] = quote === '"' ? unescapeValue(raw) : raw;
    } else {
      const comment = raw.search(/\s#/);
      values[key] = (comment === -1 ? raw : raw.slice(0, comment)).trim();
    }
  }
  return values;
}

function closingIndex(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && quote === '"') i++;
    else if (body[i] === quote) return i;
  }
  return -1;
}

const closes = (body: string, quote: string) => closingIndex(body, quote) !== -1;

function unescapeValue(value: string): string {
  return value.replace(/\\([nrt"\\$])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}
