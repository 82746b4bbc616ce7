const LABELS: Record<string, string> = {
  connecting: 'Connecting',
  connected: 'Live',
  reconnecting: 'Reconnecting',
  closed: 'Offline',
};

/** The connection's state, so a frozen video reads as "reconnecting", not as "broken". */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge status-${status}`} data-testid="status-badge" data-status={status}>
      <span className="dot" aria-hidden="true" />
      {LABELS[status] ?? status}
    </span>
  );
}
