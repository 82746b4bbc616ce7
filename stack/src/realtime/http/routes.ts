import { badRequest, notFound } from './errors.ts';

export type Route =
  | { readonly kind: 'batch' }
  | { readonly kind: 'single'; readonly topic: string; readonly event: string; readonly private: boolean };

/**
 * The two endpoints, as the app sees them behind the gateway (`/realtime/v1` stripped):
 * `POST /api/broadcast` and `POST /api/broadcast/{topic}/events/{event}`. Everything else,
 * other methods included, is a 404 as Phoenix's router answers it. Empty segments are dropped
 * (Plug's `path_info`); topic and event are percent-decoded (realtime-js encodes them with
 * `encodeURIComponent`, so `/`, `:` and spaces arrive encoded).
 */
export function matchRoute(request: Request): Route {
  const url = new URL(request.url);
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  if (request.method !== 'POST' || segments[0] !== 'api' || segments[1] !== 'broadcast') throw notFound();
  if (segments.length === 2) return { kind: 'batch' };
  const [, , topic, events, event] = segments;
  if (segments.length !== 5 || events !== 'events' || topic === undefined || event === undefined) {
    throw notFound();
  }
  // Only `true` makes a message private, and the last `private` wins, as Plug decodes queries.
  const flag = url.searchParams.getAll('private').at(-1);
  return { kind: 'single', topic: decode(topic), event: decode(event), private: flag === 'true' };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest();
  }
}
