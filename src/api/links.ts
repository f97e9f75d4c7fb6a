import type { Context } from 'koa';
import type { PageOf } from './pagination.js';

/**
 * RFC 8288 `Link` header of a list: `next` (by cursor when the list gives one, else by offset)
 * and `prev` for offset pages. Built from the request's own URL, so filters carry over.
 */
export function linkHeader(ctx: Context, page: PageOf<unknown>): string {
  const link = (rel: string, params: Record<string, string | null>) => {
    const url = new URL(ctx.originalUrl, 'http://placeholder');
    for (const [name, value] of Object.entries(params)) {
      if (value === null) url.searchParams.delete(name);
      else url.searchParams.set(name, value);
    }
    return `<${url.pathname}${url.search}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page.next_cursor) links.push(link('next', { cursor: page.next_cursor, offset: null }));
  if (ctx.query.cursor === undefined && page.offset > 0) {
    links.push(link('prev', { offset: String(Math.max(0, page.offset - page.limit)) }));
  }
  return links.join(', ');
}
