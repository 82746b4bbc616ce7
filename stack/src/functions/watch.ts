/**
 * Reload on file change, as `supabase functions serve` does: a change inside a function's
 * directory restarts that function; anything else under `supabase/functions/` (shared code,
 * import maps, `.env`) restarts them all. Changes are debounced so an editor's save burst is one
 * reload.
 */
import { type FSWatcher, watch } from 'node:fs';
import { sep } from 'node:path';

export interface FunctionsWatcher {
  close(): void;
}

export function watchFunctions(
  functionsDir: string,
  onChange: (slugs: ReadonlySet<string> | 'all') => void,
  debounceMs = 150,
): FunctionsWatcher {
  let pending: Set<string> | 'all' = new Set();
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(functionsDir, { recursive: true }, (_event, file) => {
      const first = String(file ?? '').split(sep)[0] ?? '';
      const isFunctionDir = /^[A-Za-z][A-Za-z0-9_-]*$/.test(first) && String(file).includes(sep);
      if (pending !== 'all') {
        if (isFunctionDir) pending.add(first);
        else pending = 'all';
      }
      clearTimeout(timer);
      timer = setTimeout(() => {
        const slugs = pending;
        pending = new Set();
        onChange(slugs);
      }, debounceMs);
    });
    watcher.on('error', () => undefined);
  } catch {
    // No functions directory yet: nothing to watch.
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
