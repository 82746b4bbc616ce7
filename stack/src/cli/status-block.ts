import type { StackInfo } from '../stack.ts';

/** The block `supabase status` prints, with the same labels, for the values we serve. */
export function statusBlock(values: StackInfo): string {
  const rows: [string, string][] = [
    ['API URL', values.apiUrl],
    ['REST URL', `${values.apiUrl}/rest/v1`],
    ['Auth URL', `${values.apiUrl}/auth/v1`],
    ['Realtime URL', `${values.apiUrl.replace(/^http/, 'ws')}/realtime/v1`],
    ['Functions URL', `${values.apiUrl}/functions/v1`],
    ['DB URL', values.dbUrl],
    ['JWT secret', values.jwtSecret],
    ['anon key', values.anonKey],
    ['service_role key', values.serviceRoleKey],
    ['Publishable key', values.publishableKey],
    ['Secret key', values.secretKey],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padStart(width)}: ${value}`).join('\n');
}
