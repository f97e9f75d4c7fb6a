import sanitizeHtml from 'sanitize-html';

// Elements that end a line of text. sanitize-html alone drops them and glues paragraphs together.
const BLOCK_TAGS = [
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure',
  'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre',
  'section', 'table', 'tr', 'ul',
];

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: BLOCK_TAGS,
  allowedAttributes: {},
  // Their content is code or markup, never text a person wrote.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'head', 'title', 'template', 'iframe', 'object', 'svg'],
  disallowedTagsMode: 'discard',
};

// What is left after sanitizing: only the tags above, without attributes, so a plain pattern is exact.
const LEFT_TAG = new RegExp(`</?(?:${BLOCK_TAGS.join('|')})\\s*/?>`, 'gi');
// sanitize-html decodes every entity while parsing and re-escapes only these.
const ESCAPED = /&(amp|lt|gt|quot|#39);/g;
const UNESCAPE: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/**
 * Plain text from an integration's HTML: tags removed, entities decoded (`1 &lt; 2` → `1 < 2`),
 * block elements and `<br>` as line breaks, script and style content dropped.
 * Text without `<` or `&` has no markup to remove and is returned as it came (the common case
 * for chat and plain mail, and the hot path of ingest).
 */
export function htmlToText(input: string): string {
  if (!input.includes('<') && !input.includes('&')) return input;
  const sanitized = sanitizeHtml(input, OPTIONS);
  const text = sanitized.replace(LEFT_TAG, '\n').replace(ESCAPED, (_m, name: string) => UNESCAPE[name]!);
  return tidyLines(text);
}

// Spaces, tabs and carriage returns that end a line (lines end at \n only) or the text.
const TRAILING_SPACE = /[ \t\r]+(?=\n|$)/g;

/** Trailing spaces off each line, no-break spaces as spaces, at most one blank line in a row, no blank ends. */
function tidyLines(text: string): string {
  return text
    .replace(/\u00a0/g, ' ')
    .replace(TRAILING_SPACE, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\n+$/g, '');
}
