import { categoryByRules, priorityByRules } from '../../src/classification/rules.js';

describe('the keyword rules', () => {
  it.each([
    ['technical', 'App crashes on start', 'Since the update the app crashes with an error every time I open it.'],
    ['technical', 'Cannot log in', "I'm having trouble logging into my account, the page is not working."],
    ['technical', 'VPN outage', 'Our network connection drops every few minutes; restarting the router did not help.'],
    ['billing', 'Charged twice', 'My credit card was charged twice for the same invoice. Please refund one payment.'],
    ['billing', 'Subscription renewal', 'Why did the price of my subscription go up at renewal?'],
    ['feature_request', 'Feature request: dark mode', 'It would be great if you could add a dark mode to the dashboard.'],
    ['feature_request', 'Suggestion', 'A suggestion: an enhancement to export reports as PDF would improve our workflow.'],
    ['general', 'Question about opening hours', 'I am interested in learning more about your services and would like some information.'],
  ])('reads %s in "%s"', (category, subject, body) => {
    const decision = categoryByRules(subject, body);
    expect(decision.label).toBe(category);
    expect(decision.keywords.length).toBeGreaterThan(0);
    expect(decision.confidence).toBeGreaterThan(0.3);
    expect(decision.confidence).toBeLessThanOrEqual(1);
  });

  it.each([
    ['urgent', 'Production down', 'Everything is completely down since 9:00, we need help immediately.'],
    ['high', 'Urgent: exports failing', 'This is urgent, the failure is impacting our whole team.'],
    ['low', 'Small question', 'No rush, just a minor question when you have time.'],
    ['medium', 'Report looks odd', 'The totals on the weekly report show an error in one column.'],
  ])('reads priority %s in "%s"', (priority, subject, body) => {
    expect(priorityByRules(subject, body).label).toBe(priority);
  });

  it('falls back to general and medium, unsure and without keywords, when nothing matches', () => {
    expect(categoryByRules('Hello', 'See attached.')).toEqual({ label: 'general', confidence: 0.3, keywords: [] });
    expect(priorityByRules('Hello', 'See attached.')).toEqual({ label: 'medium', confidence: 0.3, keywords: [] });
  });

  it('weighs a cue in the subject double: a billing subject beats a body full of technical words', () => {
    const decision = categoryByRules('Invoice question', 'The portal showed an error when I opened it.');
    expect(decision).toMatchObject({ label: 'billing', keywords: ['invoice'] });
  });

  it('lists the keywords in the order the class lists its cues, wherever they were found', () => {
    const decision = categoryByRules('Refund', 'about my invoice and the refund of a payment');
    expect(decision).toMatchObject({ label: 'billing', keywords: ['invoice', 'payment', 'refund'] });
  });

  it('matches whole words and phrases only, in any case', () => {
    expect(categoryByRules('Debugging tips', 'Rebilling happens where?').label).toBe('general');
    expect(categoryByRules('NOT WORKING', '').keywords).toContain('not working');
  });

  it('is unsure when two classes tie, and says general', () => {
    expect(categoryByRules('Bug', 'refund').label).toBe('technical');
    expect(categoryByRules('', 'bug refund')).toMatchObject({ label: 'general', confidence: 0.3 });
  });
});
