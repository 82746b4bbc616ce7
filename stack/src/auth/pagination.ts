/**
 * GoTrue's pagination Link header. `page` leads the query string because auth-js reads the
 * page number as the first character after the first `=`.
 */
export function paginationLink(
  page: number,
  perPage: number,
  total: number,
  query: URLSearchParams = new URLSearchParams(),
): string {
  const totalPages = Math.ceil(total / perPage);
  const rest = [...query].filter(([key]) => key !== 'page' && key !== 'per_page');
  rest.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const tail = rest.length > 0 ? `&${new URLSearchParams(rest).toString()}` : '';
  const link = (p: number, rel: string) =>
    `</admin/users?page=${p}&per_page=${perPage}${tail}>; rel="${rel}"`;
  const next = totalPages > page ? `${link(page + 1, 'next')}, ` : '';
  return `${next}${link(totalPages, 'last')}`;
}
