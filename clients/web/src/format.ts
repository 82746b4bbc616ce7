/** `75.4` → `1:15`; `3723` → `1:02:03`. Video timestamps as players show them. */
export function formatTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–:––';
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A clock time for chat lines, in the viewer's locale. */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? ''
    : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** What a person reads for the SDK's error codes; the code itself is kept for the rest. */
export function describeError(error: unknown): string {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  switch (code) {
    case 'room_not_found':
      return 'No room with that invite code.';
    case 'room_full':
      return 'That room is full.';
    case 'banned':
      return 'You were banned from that room.';
    case 'room_ended':
      return 'That room has ended.';
    case 'forbidden':
      return 'You are not allowed to do that.';
    case 'not_a_member':
      return 'You are not a member of that room.';
    case 'rate_limited':
      return 'Slow down a little, then try again.';
    case 'validation_failed':
      return 'That does not look right; check what you typed.';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** Initials for an avatar bubble. */
export function initials(name: string | null | undefined): string {
  const words = (name ?? '?').trim().split(/\s+/).filter(Boolean);
  return (
    words
      .slice(0, 2)
      .map((word) => word[0]?.toUpperCase() ?? '')
      .join('') || '?'
  );
}

/** A stable hue per user, so a name keeps its colour in presence and chat. */
export function hueOf(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}
