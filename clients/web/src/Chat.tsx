import type { CommentItem, RoomConnection, TypingUser } from '@watchroom/client';
import { useComments, usePresence, useTyping } from '@watchroom/client/react';
import { type FormEvent, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { describeError, formatClock, formatTime, hueOf } from './format.ts';
import { currentVideoTs } from './hooks.ts';
import type { Me } from './session.ts';

/** Live comments, each stamped with where the video was when it was written. */
export function Chat({
  connection,
  me,
  canControl,
}: {
  connection: RoomConnection;
  me: Me;
  canControl: boolean;
}) {
  const { items, send, loadOlder, unread, markRead, hasMore } = useComments(connection);
  const typing = useTyping(connection).filter((user) => user.user_id !== me.id);
  const members = usePresence(connection);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const listRef = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);

  const nameOf = (item: CommentItem) =>
    item.author_id === me.id
      ? me.name
      : (item.author_name ??
        members.find((member) => member.user_id === item.author_id)?.display_name ??
        'Guest');

  // New lines keep the view pinned to the bottom unless the reader scrolled up to read back.
  useLayoutEffect(() => {
    const list = listRef.current;
    if (list && atBottom.current && items.length > 0) list.scrollTop = list.scrollHeight;
  }, [items]);

  useEffect(() => {
    // A read position is bookkeeping: failing to store it must not disturb the chat.
    if (atBottom.current && unread > 0 && document.visibilityState === 'visible') {
      void markRead().catch(() => undefined);
    }
  }, [unread, markRead]);

  useEffect(() => () => connection.setTyping(false), [connection]);

  function onScroll() {
    const list = listRef.current;
    if (!list) return;
    atBottom.current = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
    if (atBottom.current && unread > 0) void markRead().catch(() => undefined);
  }

  function onDraft(value: string) {
    setDraft(value);
    // Every keystroke may say so: the SDK throttles the notices and lets them expire.
    connection.setTyping(value.trim() !== '');
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = draft.trim();
    if (!body) return;
    setDraft('');
    setError(undefined);
    connection.setTyping(false);
    atBottom.current = true;
    try {
      await send(body, { videoTs: currentVideoTs(connection) });
    } catch (caught) {
      // The line stays in the list marked failed; say why here.
      setError(describeError(caught));
    }
  }

  async function showOlder() {
    setLoadingOlder(true);
    // Reading back: new lines must not yank the view down meanwhile.
    atBottom.current = false;
    await loadOlder().catch(() => undefined);
    setLoadingOlder(false);
  }

  return (
    <section className="card chat">
      <h2>
        Chat
        {unread > 0 && (
          <button
            type="button"
            className="unread"
            data-testid="unread"
            onClick={() => scrollToEnd(listRef.current)}
          >
            {unread} new
          </button>
        )}
      </h2>
      <ol className="chat-list" data-testid="chat-list" ref={listRef} onScroll={onScroll}>
        {hasMore && (
          <li className="older">
            <button type="button" className="link" disabled={loadingOlder} onClick={() => void showOlder()}>
              {loadingOlder ? 'Loading…' : 'Earlier messages'}
            </button>
          </li>
        )}
        {items.map((item) => (
          <ChatLine
            key={item.key}
            item={item}
            author={nameOf(item)}
            mine={item.author_id === me.id}
            canSeek={canControl}
            onSeek={(ts) => void connection.sync.seek(ts).catch(() => undefined)}
          />
        ))}
      </ol>
      <TypingLine users={typing} />
      <form className="chat-form" onSubmit={submit}>
        <input
          data-testid="chat-input"
          value={draft}
          onChange={(event) => onDraft(event.target.value)}
          onBlur={() => connection.setTyping(false)}
          placeholder="Say something…"
          maxLength={1000}
          aria-label="Message"
        />
        <button type="submit" className="primary" data-testid="chat-send" disabled={draft.trim() === ''}>
          Send
        </button>
      </form>
      {error && (
        <p className="error" role="alert" data-testid="chat-error">
          {error}
        </p>
      )}
    </section>
  );
}

function ChatLine({
  item,
  author,
  mine,
  canSeek,
  onSeek,
}: {
  item: CommentItem;
  author: string;
  mine: boolean;
  canSeek: boolean;
  onSeek: (ts: number) => void;
}) {
  if (item.kind === 'system') {
    return (
      <li className="system" data-testid="system-comment">
        {item.body}
      </li>
    );
  }
  const ts = item.video_ts;
  return (
    <li
      className={`comment ${mine ? 'mine' : ''} ${item.status}`}
      data-testid="comment"
      data-status={item.status}
      data-author={author}
    >
      <div className="comment-head">
        <span className="author" style={{ color: `hsl(${hueOf(item.author_id ?? '')} 70% 70%)` }}>
          {author}
        </span>
        {ts !== null &&
          (canSeek ? (
            <button
              type="button"
              className="ts"
              data-testid="comment-ts"
              data-ts={ts}
              title="Jump everyone here"
              onClick={() => onSeek(ts)}
            >
              {formatTime(ts)}
            </button>
          ) : (
            <span className="ts" data-testid="comment-ts" data-ts={ts}>
              {formatTime(ts)}
            </span>
          ))}
        <span className="when muted">
          {item.status === 'pending'
            ? 'sending…'
            : item.status === 'failed'
              ? 'not sent'
              : formatClock(item.created_at)}
        </span>
      </div>
      <p className="comment-body" data-testid="comment-body">
        {item.deleted_at ? <em className="muted">message deleted</em> : item.body}
        {item.edited_at && !item.deleted_at && <span className="muted"> (edited)</span>}
      </p>
      {Object.keys(item.reactions).length > 0 && (
        <div className="comment-reactions">
          {Object.entries(item.reactions).map(([emoji, count]) => (
            <span key={emoji} className="chip">
              {emoji} {count}
            </span>
          ))}
        </div>
      )}
    </li>
  );
}

function TypingLine({ users }: { users: readonly TypingUser[] }) {
  const names = users.map((user) => user.display_name ?? 'Someone');
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length === 2
          ? `${names[0]} and ${names[1]} are typing…`
          : `${names.length} people are typing…`;
  return (
    <p className="typing" data-testid="typing" aria-live="polite">
      {text}
    </p>
  );
}

function scrollToEnd(list: HTMLElement | null) {
  if (list) list.scrollTo({ top: list.scrollHeight, behavior: 'smooth' });
}
