/**
 * Tags are trimmed and unique case-insensitively; the first spelling and the order are kept.
 * (Empty and whitespace-only tags are refused by the schemas before this.)
 */
export function normaliseTags(tags: readonly string[] | null | undefined): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags ?? []) {
    const tag = raw.trim();
    const key = tagKey(tag);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

/** What tags are compared and searched by. */
export function tagKey(tag: string): string {
  return tag.trim().toLowerCase();
}

/**
 * The tags as the ticket's own row keeps them (`cases.tag_list`, written with `case_tags`): a
 * JSON array in order, so a ticket is read with its tags in one row (migration 0022).
 */
export function tagListText(tags: readonly string[]): string {
  return JSON.stringify(tags);
}

/** The tags a ticket row holds, in order. */
export function tagsOfRow(row: { tag_list: string | null }): string[] {
  return row.tag_list ? (JSON.parse(row.tag_list) as string[]) : [];
}

/** The ticket fields each tag row repeats, so a tag's list is read in order off one index. */
export interface TaggedTicket {
  id: number;
  created_at: string;
  archived: boolean | number;
}

/** `case_tags` rows of a ticket, in the tags' order. */
export function tagRows(ticket: TaggedTicket, tags: readonly string[]): object[] {
  return tags.map((tag, position) => ({ case_id: ticket.id, position, tag, tag_key: tagKey(tag), case_created_at: ticket.created_at, case_archived: Boolean(ticket.archived) }));
}
