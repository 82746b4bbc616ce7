import { describe, it } from 'vitest';
import { expectError, rest } from './helpers.ts';

/** Embeds PostgREST refuses, with its exact bodies. */
describe('embedding errors', () => {
  it('two foreign keys to one table without a hint: 300 PGRST201 listing both', async () => {
    await expectError(await rest('/messages?select=*,authors(*)'), 300, {
      code: 'PGRST201',
      details: [
        {
          cardinality: 'many-to-one',
          embedding: 'messages with authors',
          relationship: 'messages_recipient_id_fkey using messages(recipient_id) and authors(id)',
        },
        {
          cardinality: 'many-to-one',
          embedding: 'messages with authors',
          relationship: 'messages_sender_id_fkey using messages(sender_id) and authors(id)',
        },
      ],
      hint: "Try changing 'authors' to one of the following: 'authors!messages_recipient_id_fkey', 'authors!messages_sender_id_fkey'. Find the desired relationship in the 'details' key.",
      message: "Could not embed because more than one relationship was found for 'messages' and 'authors'",
    });
  });

  it('the reverse direction is ambiguous too (one-to-many twice)', async () => {
    await expectError(await rest('/authors?select=*,messages(*)'), 300, {
      code: 'PGRST201',
      details: [
        {
          cardinality: 'one-to-many',
          embedding: 'authors with messages',
          relationship: 'messages_recipient_id_fkey using authors(id) and messages(recipient_id)',
        },
        {
          cardinality: 'one-to-many',
          embedding: 'authors with messages',
          relationship: 'messages_sender_id_fkey using authors(id) and messages(sender_id)',
        },
      ],
      hint: "Try changing 'messages' to one of the following: 'messages!messages_recipient_id_fkey', 'messages!messages_sender_id_fkey'. Find the desired relationship in the 'details' key.",
      message: "Could not embed because more than one relationship was found for 'authors' and 'messages'",
    });
  });

  it('no relationship: 400 PGRST200, with a hint at a misspelled target', async () => {
    await expectError(await rest('/authors?select=*,postz(*)'), 400, {
      code: 'PGRST200',
      details:
        "Searched for a foreign key relationship between 'authors' and 'postz' in the schema 'public', but no matches were found.",
      hint: "Perhaps you meant 'posts' instead of 'postz'.",
      message: "Could not find a relationship between 'authors' and 'postz' in the schema cache",
    });
  });

  it('an origin without relationships: PGRST200 hinting at the closest origin that has some', async () => {
    await expectError(await rest('/bookings?select=*,tags(*)'), 400, {
      code: 'PGRST200',
      details:
        "Searched for a foreign key relationship between 'bookings' and 'tags' in the schema 'public', but no matches were found.",
      hint: "Perhaps you meant 'post_tags' instead of 'bookings'.",
      message: "Could not find a relationship between 'bookings' and 'tags' in the schema cache",
    });
  });

  it('a hint that matches nothing: PGRST200 naming the hint', async () => {
    await expectError(await rest('/posts?select=*,authors!nope(*)'), 400, {
      code: 'PGRST200',
      details:
        "Searched for a foreign key relationship between 'posts' and 'authors' using the hint 'nope' in the schema 'public', but no matches were found.",
      hint: null,
      message: "Could not find a relationship between 'posts' and 'authors' in the schema cache",
    });
  });

  it('a filter on an embed that is not selected: PGRST108', async () => {
    await expectError(await rest('/authors?select=name&posts.id=eq.1'), 400, {
      code: 'PGRST108',
      details: null,
      hint: "Verify that 'posts' is included in the 'select' query parameter.",
      message: "'posts' is not an embedded resource in this request",
    });
  });

  it('order or limit on an embed that is not selected: PGRST108 as well', async () => {
    await expectError(await rest('/authors?select=name&posts.order=id'), 400, {
      code: 'PGRST108',
      details: null,
      hint: "Verify that 'posts' is included in the 'select' query parameter.",
      message: "'posts' is not an embedded resource in this request",
    });
    await expectError(await rest('/authors?select=name&posts.limit=1'), 400, {
      code: 'PGRST108',
      details: null,
      hint: "Verify that 'posts' is included in the 'select' query parameter.",
      message: "'posts' is not an embedded resource in this request",
    });
  });

  it('an operator other than is.null on an embed: PGRST120', async () => {
    await expectError(await rest('/authors?select=name,posts()&posts=eq.1'), 400, {
      code: 'PGRST120',
      details: 'Only is null or not is null filters are allowed on embedded resources',
      hint: null,
      message: "Bad operator on the 'posts' embedded resource",
    });
  });

  it('ordering by a to-many embed: PGRST118', async () => {
    await expectError(await rest('/authors?select=name,posts(id)&order=posts(id)'), 400, {
      code: 'PGRST118',
      details: "'authors' and 'posts' do not form a many-to-one or one-to-one relationship",
      hint: null,
      message: "A related order on 'posts' is not possible",
    });
  });

  it('ordering by an embed that is not selected: PGRST108', async () => {
    await expectError(await rest('/posts?select=id,authors(name)&order=writers(name)'), 400, {
      code: 'PGRST108',
      details: null,
      hint: "Verify that 'writers' is included in the 'select' query parameter.",
      message: "'writers' is not an embedded resource in this request",
    });
  });

  it('an unknown column inside an embed is 42703', async () => {
    await expectError(await rest('/posts?select=id,authors(nope)'), 400, {
      code: '42703',
      details: null,
      hint: null,
      message: 'column authors_1.nope does not exist',
    });
  });
});
