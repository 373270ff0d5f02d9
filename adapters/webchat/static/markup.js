// The neutral markup of bot/model/markup.hpp, parsed in the browser: the same grammar as
// bot/model/markup.cpp (**bold**, _italic_, [label](url), "- " list items, blank lines between
// paragraphs, a backslash before \ * _ [ ] ( ) for a literal character). Pure functions, no DOM,
// so tests/webchat/markup_test.mjs checks them with node.
'use strict';

(() => {
  const SPECIAL = '\\*_[]()';
  const isAlnum = (c) => /[A-Za-z0-9]/.test(c);

  function parseInline(s) {
    const spans = [];
    let bold = false;
    let italic = false;
    let cur = { text: '', bold, italic, link: '' };
    const flush = () => {
      if (cur.text) spans.push(cur);
      cur = { text: '', bold, italic, link: '' };
    };
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      if (c === '\\' && i + 1 < s.length && SPECIAL.includes(s[i + 1])) {
        cur.text += s[i + 1];
        i += 2;
      } else if (s.startsWith('**', i) && (bold || s.indexOf('**', i + 2) !== -1)) {
        flush();
        bold = !bold;
        cur.bold = bold;
        i += 2;
      } else if (c === '_' && (italic || s.indexOf('_', i + 1) !== -1) &&
                 (italic || i === 0 || !isAlnum(s[i - 1]))) {
        flush();
        italic = !italic;
        cur.italic = italic;
        i += 1;
      } else if (c === '[') {
        const close = s.indexOf('](', i);
        const end = close === -1 ? -1 : s.indexOf(')', close + 2);
        if (close !== -1 && end !== -1) {
          const url = s.slice(close + 2, end);
          if (/^(https?:\/\/|mailto:)/.test(url)) {
            flush();
            const label = s.slice(i + 1, close);
            let text = '';
            for (let k = 0; k < label.length; ++k) {
              if (label[k] === '\\' && k + 1 < label.length) ++k;
              text += label[k];
            }
            spans.push({ text, bold, italic, link: url });
            i = end + 1;
            continue;
          }
        }
        cur.text += c;
        i += 1;
      } else {
        cur.text += c;
        i += 1;
      }
    }
    flush();
    return spans;
  }

  function parseMarkup(text) {
    const paragraphs = [];
    let para = [];
    for (let line of String(text || '').split('\n')) {
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (/^[ \t]*$/.test(line)) {
        if (para.length) paragraphs.push(para);
        para = [];
        continue;
      }
      const listItem = line.startsWith('- ');
      para.push({ listItem, spans: parseInline(listItem ? line.slice(2) : line) });
    }
    if (para.length) paragraphs.push(para);
    return paragraphs;
  }

  // Only http and https become links; anything else is shown as text.
  function safeUrl(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : '';
    } catch (e) {
      return '';
    }
  }

  globalThis.hallpassMarkup = Object.freeze({ parseInline, parseMarkup, safeUrl });
})();
