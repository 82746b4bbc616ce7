/**
 * `verify_jwt` as the supabase CLI's local runtime applies it (functions-cli.md §5.5): a Bearer
 * token whose signature and time claims verify, any role (the anon key passes); OPTIONS is
 * never checked, so preflights reach the function.
 */
import type { JwtService } from '../lib/jwt.ts';

const unauthorized = (msg: string) =>
  new Response(JSON.stringify({ msg }), { status: 401, headers: { 'content-type': 'application/json' } });

/** The refusal to send, or undefined when the request may go on. */
export async function verifyRequestJwt(request: Request, jwt: JwtService): Promise<Response | undefined> {
  if (request.method === 'OPTIONS') return undefined;
  const header = request.headers.get('authorization');
  if (!header) return unauthorized('Error: Missing authorization header');
  const [scheme, token, ...rest] = header.split(' ');
  if (scheme !== 'Bearer' || !token || rest.length > 0) {
    return unauthorized("Error: Auth header is not 'Bearer {token}'");
  }
  try {
    await jwt.verify(token);
    return undefined;
  } catch {
    return unauthorized('Invalid JWT');
  }
}
