import { useState } from 'react';
import { pathOf } from './router.ts';

/**
 * The invite code and a link to this app's `/join/<code>`. The link is built from the page's
 * own origin rather than taken from the rooms function (whose WATCHROOM_APP_URL may name
 * another host or port than the one this tab was served from).
 */
export function Invite({ code }: { code: string }) {
  const link = new URL(pathOf({ name: 'join', code }), window.location.origin).href;
  const [copied, setCopied] = useState(false);

  async function copy() {
    // The clipboard needs a secure context and permission; the link stays selectable if not.
    await navigator.clipboard?.writeText(link).then(
      () => setCopied(true),
      () => undefined,
    );
  }

  return (
    <div className="invite">
      <span className="muted">Invite code</span>
      <code className="invite-code" data-testid="invite-code">
        {code}
      </code>
      <a className="invite-link" href={link} data-testid="invite-link">
        {link}
      </a>
      <button type="button" className="small" onClick={() => void copy()}>
        {copied ? 'Copied' : 'Copy link'}
      </button>
    </div>
  );
}
