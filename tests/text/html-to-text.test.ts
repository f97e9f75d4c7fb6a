import { htmlToText } from '../../src/text/html-to-text.js';

describe('htmlToText', () => {
  it.each([
    ['plain text stays as it is', 'Hello there,\n  nothing to strip.', 'Hello there,\n  nothing to strip.'],
    ['entities are decoded', '1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;ok&quot; &#39;x&#39; caf&eacute; &#8364;5', `1 < 2 && 3 > 2 "ok" 'x' café €5`],
    ['paragraphs become lines', '<p>First paragraph.</p><p>Second paragraph.</p>', 'First paragraph.\n\nSecond paragraph.'],
    ['br becomes a line break', 'line one<br>line two<br/>line three<BR />end', 'line one\nline two\nline three\nend'],
    ['divs and list items become lines', '<div>a</div><div>b</div><ul><li>one</li><li>two</li></ul>', 'a\n\nb\n\none\n\ntwo'],
    ['inline markup is removed, its text kept', 'Click <a href="http://x">here</a> <b>now</b>, <span style="x">please</span>.', 'Click here now, please.'],
    ['script and style content is dropped', '<style>p{color:red}</style><p>Hi</p><script>alert("x")</script>', 'Hi'],
    ['attributes never leak', '<img src=x onerror="alert(1)">text<p class="a" onclick="b">para</p>', 'text\npara'],
    ['a literal less-than in text survives', 'if a < b then', 'if a < b then'],
    ['markup-looking text that was escaped stays text', '&lt;script&gt;alert(1)&lt;/script&gt;', '<script>alert(1)</script>'],
    ['no-break spaces become spaces', 'a&nbsp;b', 'a b'],
    ['runs of blank lines collapse to one', '<p>a</p><p></p><p></p><p>b</p>', 'a\n\nb'],
    ['spaces, tabs and carriage returns end no line, but stay inside one', '<p>a \t</p><p>b\r</p>x \ry  ', 'a\n\nb\nx \ry'],
    ['a carriage return before a line break goes with the trailing spaces', 'one  <br>two\t\t<br>\r\nthree &nbsp;', 'one\ntwo\n\nthree'],
    ['a whole mail', '<html><head><title>T</title></head><body><p>Hi John,</p><p>Thanks &amp; regards,<br>Support</p></body></html>', 'Hi John,\n\nThanks & regards,\nSupport'],
  ])('%s', (_name, input, expected) => {
    expect(htmlToText(input)).toBe(expected);
  });

  it('leaves text with no markup untouched (same string)', () => {
    const text = 'No markup here, just words.';
    expect(htmlToText(text)).toBe(text);
  });
});
