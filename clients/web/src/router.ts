/**
 * Three screens, three paths: `/` (sign-in, then the lobby), `/join/<code>` (the invite links
 * the rooms function hands out) and `/room/<id>`. Plain History API: a router dependency would
 * be more code than this.
 */
import { useCallback, useSyncExternalStore } from 'react';

export type Route = { name: 'home' } | { name: 'join'; code: string } | { name: 'room'; roomId: string };

export function parseRoute(pathname: string): Route {
  const join = /^\/join\/([^/]+)\/?$/.exec(pathname);
  if (join?.[1]) return { name: 'join', code: decodeURIComponent(join[1]) };
  const room = /^\/room\/([^/]+)\/?$/.exec(pathname);
  if (room?.[1]) return { name: 'room', roomId: decodeURIComponent(room[1]) };
  return { name: 'home' };
}

export function pathOf(route: Route): string {
  switch (route.name) {
    case 'join':
      return `/join/${encodeURIComponent(route.code)}`;
    case 'room':
      return `/room/${encodeURIComponent(route.roomId)}`;
    default:
      return '/';
  }
}

// pushState fires no event of its own; navigate() announces it with this one.
const NAVIGATE = 'watchroom:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

const currentPath = () => window.location.pathname;

export type Navigate = (route: Route, options?: { replace?: boolean }) => void;

export function useRoute(): [Route, Navigate] {
  const pathname = useSyncExternalStore(subscribe, currentPath);
  const navigate = useCallback<Navigate>((route, options) => {
    const path = pathOf(route);
    if (path === window.location.pathname) return;
    if (options?.replace) window.history.replaceState(null, '', path);
    else window.history.pushState(null, '', path);
    window.dispatchEvent(new Event(NAVIGATE));
  }, []);
  return [parseRoute(pathname), navigate];
}
