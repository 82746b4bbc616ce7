-- The directory of public rooms: what a signed-in non-member may see of a public room, and its
-- invite code, since anyone signed in may join a public room. The view runs as its owner (it is
-- not security_invoker), so it, not the rooms policies, decides these rows and columns.

create view public.public_rooms
  with (security_barrier = true)
as
  select r.id, r.name, r.invite_code, r.status, r.member_count, r.max_members,
         r.media_title, r.media_kind, r.media_duration, r.host_id, p.display_name as host_name,
         r.created_at
    from public.rooms r
    left join public.profiles p on p.id = r.host_id
   where r.visibility = 'public' and r.status <> 'ended';

revoke all on public.public_rooms from anon, authenticated;
grant select on public.public_rooms to authenticated;
