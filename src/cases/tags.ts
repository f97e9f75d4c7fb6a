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
