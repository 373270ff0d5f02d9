// The page's markup parser (adapters/webchat/static/markup.js) against the grammar of
// bot/model/markup.cpp. Run: node --test tests/webchat/markup_test.mjs (run.sh runs it too).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import vm from 'node:vm';

const source = fs.readFileSync(new URL('../../adapters/webchat/static/markup.js', import.meta.url), 'utf8');
const sandbox = { URL };
sandbox.globalThis = sandbox;
vm.runInNewContext(source, sandbox);
const { parseInline, parseMarkup, safeUrl } = sandbox.hallpassMarkup;

// Plain objects from the sandbox compare by structure once copied into this realm.
const plain = (value) => JSON.parse(JSON.stringify(value));
const span = (text, extra = {}) => ({ text, bold: false, italic: false, link: '', ...extra });

test('bold, italic and plain runs', () => {
  assert.deepEqual(plain(parseInline('a **b** _c_ d')), [
    span('a '), span('b', { bold: true }), span(' '), span('c', { italic: true }), span(' d'),
  ]);
});

test('an unmatched marker is literal text', () => {
  assert.deepEqual(plain(parseInline('2 ** 3 and snake_case')), [span('2 ** 3 and snake_case')]);
});

test('backslash escapes make markup literal', () => {
  assert.deepEqual(plain(parseInline('\\*\\*not bold\\*\\* \\[x\\](https://a.example)')),
    [span('**not bold** [x](https://a.example)')]);
});

test('links keep their label, with escapes removed', () => {
  assert.deepEqual(plain(parseInline('see [the \\_policy\\_](https://district.example/bp)')), [
    span('see '), span('the _policy_', { link: 'https://district.example/bp' }),
  ]);
  assert.deepEqual(plain(parseInline('[x](javascript:alert(1))')), [span('[x](javascript:alert(1))')]);
});

test('paragraphs and list items', () => {
  const parsed = plain(parseMarkup('Intro\n- **one**\n- two\r\n \t\nNext'));
  assert.equal(parsed.length, 2);
  assert.deepEqual(parsed[0].map((l) => l.listItem), [false, true, true]);
  assert.deepEqual(parsed[0][1].spans, [span('one', { bold: true })]);
  assert.deepEqual(parsed[1], [{ listItem: false, spans: [span('Next')] }]);
});

test('only http and https links are followed', () => {
  assert.equal(safeUrl('https://district.example/a?b=1'), 'https://district.example/a?b=1');
  assert.equal(safeUrl('http://district.example/'), 'http://district.example/');
  assert.equal(safeUrl('mailto:someone@district.example'), '');
  assert.equal(safeUrl('javascript:alert(1)'), '');
  assert.equal(safeUrl('not a url'), '');
});
