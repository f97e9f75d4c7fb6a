/**
 * A LIKE pattern matching `text` anywhere, with `%`, `_` and `!` taken literally. Use it with
 * `ESCAPE '!'`: a backslash would be read differently by MySQL and SQLite.
 */
export function likeContaining(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
