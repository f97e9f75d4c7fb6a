import { features } from '../../src/classification/features.js';
import { NaiveBayes } from '../../src/classification/naive-bayes.js';

const EXAMPLES: Array<[string, string]> = [
  ['the printer jams and shows a paper error', 'hardware'],
  ['printer paper jam again this morning', 'hardware'],
  ['toner empty printer will not print', 'hardware'],
  ['invoice amount is wrong on my statement', 'money'],
  ['refund the double payment on my invoice', 'money'],
  ['statement shows a payment I did not make', 'money'],
];

function trained(): NaiveBayes {
  const model = new NaiveBayes();
  for (const [text, label] of EXAMPLES) model.learn(features(text), label);
  return model;
}

describe('naive Bayes', () => {
  it('knows nothing before it learns', () => {
    expect(new NaiveBayes().predict(features('anything'))).toBeUndefined();
  });

  it('predicts the class whose words a text shares, with the deciding words as keywords', () => {
    const prediction = trained().predict(features('my printer has a paper jam'))!;
    expect(prediction.label).toBe('hardware');
    expect(prediction.keywords).toEqual(expect.arrayContaining(['printer', 'paper']));
    expect(trained().predict(features('wrong payment on the invoice'))!.label).toBe('money');
  });

  it('is unsure about a text whose words it has never seen, and sure about one full of its words', () => {
    const model = trained();
    const unknown = model.predict(features('completely unrelated words here'))!;
    const known = model.predict(features('printer paper jam toner print error printer jams again'))!;
    expect(unknown.confidence).toBeLessThan(0.7);
    expect(unknown.keywords).toEqual([]);
    expect(known.confidence).toBeGreaterThan(unknown.confidence);
    expect(known.confidence).toBeLessThanOrEqual(1);
  });

  it('learns one more example at a time: a new word moves the answer', () => {
    const model = trained();
    const before = model.predict(features('the scanner is broken'))!;
    model.learn(features('scanner broken'), 'hardware');
    model.learn(features('scanner broken again'), 'hardware');
    const after = model.predict(features('the scanner is broken'))!;
    expect(after.label).toBe('hardware');
    expect(after.confidence).toBeGreaterThan(before.label === 'hardware' ? before.confidence : 0);
    expect(model.examples).toBe(EXAMPLES.length + 2);
  });

  it('round-trips through JSON with the same predictions', () => {
    const model = trained();
    const copy = new NaiveBayes(JSON.parse(JSON.stringify(model)));
    const text = features('printer invoice payment jam');
    expect(copy.predict(text)).toEqual(model.predict(text));
    expect(copy.labels).toEqual(['hardware', 'money']);
  });

  it('prunes features seen too rarely, keeping the most seen', () => {
    const model = trained();
    model.prune(2, 3);
    const kept = Object.keys(model.toJSON().counts);
    expect(kept).toHaveLength(3);
    expect(kept).toEqual(expect.arrayContaining(['printer', 'paper']));
  });
});
