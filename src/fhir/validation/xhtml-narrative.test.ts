import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createXhtmlChecker } from './xhtml-narrative.js';

const checker = createXhtmlChecker();
const NS = 'xmlns="http://www.w3.org/1999/xhtml"';
const code = (div: string): string | undefined => checker.check(div)?.code;

describe('xhtml narrative checker', () => {
  it('accepts well-formed narratives', () => {
    for (const div of [
      `<div ${NS}>plain text</div>`,
      `<div ${NS}/>`,
      `  <div ${NS}><p class="x" style="color: red">a &lt; b &#233; &#xE9;</p></div>\n`,
      `<div ${NS}><table class="grid"><tr><td colspan="3">1</td></tr></table><hr/><!-- note --></div>`,
      `<div ${NS} xml:lang="fr"><a href="https://example.org/a?b=1&amp;c=2" title='Codes:{x}'>lien</a><img src="data:image/png;base64,AAAA" alt="x"/></div>`,
    ]) {
      assert.equal(checker.check(div), undefined, div);
    }
  });

  it('rejects what is not an XHTML div', () => {
    assert.equal(code('<p>x</p>'), 'value');
    assert.equal(code('<div>x</div>'), 'value');
    assert.equal(code('<div xmlns="http://www.w3.org/1999/html">x</div>'), 'value');
    assert.equal(code(`<div ${NS}><p>x</div>`), 'value');
    assert.equal(code(`<div ${NS}><br></div>`), 'value');
    assert.equal(code(`<div ${NS}>x</div><div ${NS}>y</div>`), 'value');
    assert.equal(code(`<div ${NS}>x</div>trailing`), 'value');
    assert.equal(code(`<div ${NS}>a & b</div>`), 'value');
    assert.equal(code(`<div ${NS}><p class=x>a</p></div>`), 'value');
    assert.equal(code(`<div ${NS}><P>a</P></div>`), 'invariant');
  });

  it('rejects scripts, event handlers and script URLs', () => {
    assert.equal(code(`<div ${NS}><script>alert(1)</script></div>`), 'invariant');
    assert.equal(code(`<div ${NS}><iframe src="x"></iframe></div>`), 'invariant');
    assert.equal(code(`<div ${NS}><style>p{}</style></div>`), 'invariant');
    assert.equal(code(`<div ${NS}><p onclick="x()">a</p></div>`), 'invariant');
    assert.equal(code(`<div ${NS}><p ONMOUSEOVER="x()">a</p></div>`), 'invariant');
    assert.equal(code(`<div ${NS}><a href="javascript:alert(1)">a</a></div>`), 'invariant');
    assert.equal(code(`<div ${NS}><a href="  JavaScript:alert(1)">a</a></div>`), 'invariant');
    assert.equal(code(`<div ${NS}><a href="java&#x09;script:alert(1)">a</a></div>`), 'invariant');
    assert.equal(code(`<div ${NS}><a href="jav&#97;script&colon;alert(1)">a</a></div>`), 'invariant');
    assert.equal(code(`<div ${NS}><a href="vbscript:x">a</a></div>`), 'invariant');
    assert.equal(code(`<div ${NS}><a href="javascript.html">a</a></div>`), undefined);
  });
});
