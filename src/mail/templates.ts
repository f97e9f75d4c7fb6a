/** Plain text and HTML of one notification, from the same lines. */
export interface MailBody {
  text: string;
  html: string;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * A mail of paragraphs (a quoted block keeps its line breaks) and a link to the ticket at the
 * end, as text and as HTML with everything escaped.
 */
export function renderMail(paragraphs: readonly string[], link: { label: string; url: string }, quote?: string): MailBody {
  const text = [...paragraphs, ...(quote === undefined ? [] : [quote.replace(/^/gm, '> ')]), `${link.label}: ${link.url}`].join('\n\n') + '\n';
  const html =
    '<!doctype html><html><body>' +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    (quote === undefined ? '' : `<blockquote>${escapeHtml(quote).replace(/\n/g, '<br>')}</blockquote>`) +
    `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>` +
    '</body></html>';
  return { text, html };
}
