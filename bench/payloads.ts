/**
 * Realistic ingest payloads: 1 to 3 messages of 0.5 to 2 KB of mail-like HTML, 3 to 6 tags,
 * up to 10 custom fields. Built once from a seeded generator; each request only swaps in a
 * fresh caseUid, so the load generator spends its CPU on sending, not on building bodies.
 */

export function seededRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS = (
  'account login password reset invoice refund payment subscription error crash upload export report ' +
  'dashboard customer order delivery shipping address update settings billing plan upgrade feature ' +
  'request urgent please help thanks regards issue problem working broken access email phone mobile'
).split(' ');
const TAGS = ['billing', 'login', 'vip', 'mobile', 'web', 'urgent', 'refund', 'bug', 'feature', 'followup', 'escalated', 'api'];

export const CASE_UID_PLACEHOLDER = '__CASE_UID__';

export function makeTemplates(count: number, seed = 42): string[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const sentence = () => {
    const words = Array.from({ length: int(6, 16) }, () => pick(WORDS));
    return words.join(' ').replace(/^./, (c) => c.toUpperCase()) + '.';
  };
  const html = (bytes: number) => {
    const parts: string[] = ['<html><body><div class="mail">'];
    let size = 0;
    while (size < bytes) {
      const paragraph = `<p>${sentence()} ${sentence()} <a href="https://example.com/${int(1, 999)}">details</a> &amp; more &lt;info&gt;<br>${sentence()}</p>`;
      parts.push(paragraph);
      size += paragraph.length;
    }
    parts.push('<p>Kind regards,<br><b>Customer</b></p></div></body></html>');
    return parts.join('');
  };
  return Array.from({ length: count }, (_, i) => {
    const messages = Array.from({ length: int(1, 3) }, (_, m) => ({
      messageUid: `msg-${i}-${m}`,
      created: `2024-01-15T10:${String(m).padStart(2, '0')}:00Z`,
      type: 'email',
      direction: m % 2 === 0 ? 'Inbound' : 'Outbound',
      from: { name: `Customer ${i}`, email: `customer${i % 500}@example.com`, id: `cust-${i}` },
      to: [{ name: 'Support', email: 'support@company.com', id: 'support' }],
      subject: `Re: ${sentence()}`,
      text: html(int(500, 2000)),
      attachments: m === 0 ? ['screenshot.png'] : [],
    }));
    const tags = [...new Set(Array.from({ length: int(3, 6) }, () => pick(TAGS)))];
    while (tags.length < 3) tags.push(`t${tags.length}`);
    const customFields = Array.from({ length: int(0, 10) }, (_, f) => ({ name: `field${f}`, value: `value ${int(1, 1000)}` }));
    return JSON.stringify({
      caseUid: CASE_UID_PLACEHOLDER,
      source: 'email-system',
      created: '2024-01-15T10:00:00Z',
      updated: '2024-01-15T10:05:00Z',
      subject: sentence(),
      inbox: 'support@company.com',
      status: pick(['open', 'new', 'pending', 'in-progress']),
      priority: pick(['low', 'normal', 'high', 'urgent']),
      tags,
      customFields,
      messages,
    });
  });
}
