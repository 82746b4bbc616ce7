import type { PresenceMember, RoomConnection } from '@watchroom/client';
import { usePresence } from '@watchroom/client/react';
import { hueOf, initials } from './format.ts';
import type { Me } from './session.ts';

const SYNC_LABELS: Record<string, string> = {
  synced: 'in sync',
  ready: 'ready',
  buffering: 'buffering',
  drifting: 'catching up',
  // Nothing reported yet: say no more than that they are here.
  unknown: 'online',
};

const ROLE_ORDER: Record<string, number> = { host: 0, moderator: 1, member: 2 };

const byRoleThenName = (a: PresenceMember, b: PresenceMember) =>
  (ROLE_ORDER[a.role ?? 'member'] ?? 3) - (ROLE_ORDER[b.role ?? 'member'] ?? 3) ||
  (a.display_name ?? '').localeCompare(b.display_name ?? '');

/** Who is here now (presence, not membership: members who closed the tab are not listed). */
export function Presence({ connection, me }: { connection: RoomConnection; me: Me }) {
  const members = [...usePresence(connection)].sort(byRoleThenName);
  return (
    <section className="card presence">
      <h2>
        Watching <span className="count">{members.length}</span>
      </h2>
      <ul data-testid="presence-list">
        {members.map((member) => (
          <li
            key={member.user_id}
            data-testid="member"
            data-user-id={member.user_id}
            data-sync={member.sync_state}
          >
            <Avatar id={member.user_id} name={member.display_name} />
            <span className="member-name" data-testid="member-name">
              {member.display_name ?? 'Guest'}
              {member.user_id === me.id && <span className="muted"> (you)</span>}
            </span>
            {member.role && member.role !== 'member' && (
              <span className={`role role-${member.role}`} data-testid="member-role">
                {member.role}
              </span>
            )}
            <span className={`sync sync-${member.sync_state}`} title={member.status}>
              <span className="dot" aria-hidden="true" />
              {member.status === 'online' ? SYNC_LABELS[member.sync_state] : member.status}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Avatar({ id, name }: { id: string; name: string | null | undefined }) {
  return (
    <span className="avatar" aria-hidden="true" style={{ background: `hsl(${hueOf(id)} 55% 42%)` }}>
      {initials(name)}
    </span>
  );
}
