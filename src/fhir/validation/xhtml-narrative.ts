/**
 * Checks of Narrative.div: a well-formed XHTML fragment whose root is `<div>` in the XHTML namespace,
 * made only of the formatting elements FHIR allows (txt-1), with no script, no event handler
 * attribute and no `javascript:` URL. A single-pass character scanner, not a full XML parser: it
 * checks tag names and balance, quoted attributes and entity syntax, which is what a narrative needs.
 */
import type { IssueCode } from '../errors.js';

export interface XhtmlProblem {
  code: IssueCode;
  message: string;
}

export interface XhtmlChecker {
  /** The first problem found in a narrative div, or undefined when it is acceptable. */
  check(div: string): XhtmlProblem | undefined;
}

const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** Elements allowed in a narrative (FHIR R4 txt-1: HTML 4 formatting elements, a, img, tables, lists). */
const ALLOWED_ELEMENTS: ReadonlySet<string> = new Set([
  'a', 'abbr', 'acronym', 'address', 'area', 'b', 'bdo', 'big', 'blockquote', 'br', 'caption', 'cite', 'code',
  'col', 'colgroup', 'dd', 'del', 'dfn', 'div', 'dl', 'dt', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i',
  'img', 'ins', 'kbd', 'li', 'map', 'ol', 'p', 'pre', 'q', 'samp', 'small', 'span', 'strong', 'sub', 'sup',
  'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'tt', 'ul', 'var',
]);

const ENTITY = /^&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});/;
/** After entity decoding and removal of blanks/controls. */
const DANGEROUS_URL = /^(?:javascript:|vbscript:|data:text\/html)/i;

const invalid = (message: string): XhtmlProblem => ({ code: 'value', message });
const unsafe = (message: string): XhtmlProblem => ({ code: 'invariant', message });

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isNameStart = (c: number): boolean => isLetter(c) || c === 95 || c === 58;
const isNameChar = (c: number): boolean => isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46;

/** Checks the `&` in s[from, to) start entity references; `amp` is the first `&` at or after `from`. */
function entityProblem(s: string, amp: number, to: number): XhtmlProblem | undefined {
  while (amp !== -1 && amp < to) {
    if (!ENTITY.test(s.slice(amp, Math.min(amp + 12, to)))) return invalid(`malformed entity reference at offset ${amp}`);
    amp = s.indexOf('&', amp + 1);
  }
  return undefined;
}

const SCRIPT_SCHEMES: readonly string[] = ['javascript:', 'vbscript:', 'data:text/html'];

/**
 * Cheap pre-check without allocation: whether s[from, to), blanks ignored and case folded, starts
 * with a script scheme, or holds an entity reference before it could tell (then decode to be sure).
 */
function mayBeScriptUrl(s: string, from: number, to: number): boolean {
  for (const scheme of SCRIPT_SCHEMES) {
    let k = 0;
    for (let i = from; i < to && k < scheme.length; i++) {
      const c = s.charCodeAt(i);
      if (c <= 32) continue;
      if (c === 38 /* & */) return true;
      if ((c | 32) !== scheme.charCodeAt(k)) break;
      k++;
    }
    if (k === scheme.length) return true;
  }
  return false;
}

/** Creates a checker; the stateful (global) regexes it uses live in the instance. */
export function createXhtmlChecker(): XhtmlChecker {
  const numericEntityRe = /&#(x[0-9A-Fa-f]+|[0-9]+);?/g;
  const namedEntityRe = /&(colon|tab|newline);/gi;
  const blanksRe = /[\u0000-\u0020]+/g;

  /** Whether an attribute value, once decoded as a browser would, is a script URL. */
  const isScriptUrl = (value: string): boolean => {
    numericEntityRe.lastIndex = 0;
    namedEntityRe.lastIndex = 0;
    blanksRe.lastIndex = 0;
    const decoded = value
      .replace(numericEntityRe, (_m, n: string) => {
        const cp = n[0] === 'x' ? parseInt(n.slice(1), 16) : parseInt(n, 10);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      })
      .replace(namedEntityRe, (_m, n: string) => (n.toLowerCase() === 'colon' ? ':' : ''))
      .replace(blanksRe, '');
    return DANGEROUS_URL.test(decoded);
  };

  /** The allowed element names by the hash scanTag computes (a lookup without slicing the name). */
  const allowedByHash = new Map<number, string>();
  for (const name of ALLOWED_ELEMENTS) {
    let hash = 0;
    for (let k = 0; k < name.length; k++) hash = (hash * 31 + name.charCodeAt(k)) & 0x3fffffff;
    if (allowedByHash.has(hash)) throw new Error(`hash collision between narrative element names: ${name}`);
    allowedByHash.set(hash, name);
  }

  /* Result of the last scanTag call (scratch state of this instance, to avoid an allocation per tag). */
  let tagName = '';
  let tagClosing = false;
  let tagSelfClosing = false;
  let tagXmlns: string | undefined;
  let problem: XhtmlProblem | undefined;

  const fail = (p: XhtmlProblem): number => {
    problem = p;
    return -1;
  };

  /** Scans the tag starting at `lt` (s[lt] is `<`); returns the offset after it, or -1 (see `problem`). */
  const scanTag = (s: string, lt: number, isRoot: boolean): number => {
    let i = lt + 1;
    const closing = s.charCodeAt(i) === 47; /* / */
    if (closing) i++;
    const nameStart = i;
    if (!isLetter(s.charCodeAt(i))) return fail(invalid(`malformed markup at offset ${lt}`));
    let hash = 0;
    for (let c = s.charCodeAt(i); isLetter(c) || (c >= 48 && c <= 57); c = s.charCodeAt(++i)) hash = (hash * 31 + c) & 0x3fffffff;
    const known = allowedByHash.get(hash);
    let name = known !== undefined && i - nameStart === known.length ? known : undefined;
    for (let k = 0; name !== undefined && k < name.length; k++) if (s.charCodeAt(nameStart + k) !== name.charCodeAt(k)) name = undefined;
    if (name === undefined) return fail(unsafe(`element <${s.slice(nameStart, i)}> is not allowed in narrative`));
    tagName = name;
    tagClosing = closing;
    tagSelfClosing = false;
    tagXmlns = undefined;
    for (;;) {
      const before = i;
      while (isSpace(s.charCodeAt(i))) i++;
      const c = s.charCodeAt(i);
      if (c === 62 /* > */) return i + 1;
      if (c === 47 /* / */ && s.charCodeAt(i + 1) === 62 && !closing) {
        tagSelfClosing = true;
        return i + 2;
      }
      if (closing || i === before || !isNameStart(c)) return fail(invalid(`malformed tag <${closing ? '/' : ''}${name}> at offset ${lt}`));
      const attrStart = i;
      while (isNameChar(s.charCodeAt(i))) i++;
      const attrEnd = i;
      while (isSpace(s.charCodeAt(i))) i++;
      if (s.charCodeAt(i) !== 61 /* = */) return fail(invalid(`attribute without a value in <${name}> at offset ${lt}`));
      i++;
      while (isSpace(s.charCodeAt(i))) i++;
      const quote = s.charCodeAt(i);
      if (quote !== 34 && quote !== 39) return fail(invalid(`unquoted attribute value in <${name}> at offset ${lt}`));
      const valueStart = i + 1;
      let amp = -1;
      let colon = false;
      for (i = valueStart; i < s.length; i++) {
        const v = s.charCodeAt(i);
        if (v === quote) break;
        if (v === 60 /* < */) return fail(invalid(`'<' in an attribute value of <${name}> at offset ${lt}`));
        if (v === 38 /* & */ && amp === -1) amp = i;
        else if (v === 58 /* : */) colon = true;
      }
      if (i >= s.length) return fail(invalid(`unterminated attribute value in <${name}> at offset ${lt}`));
      const valueEnd = i;
      i++;
      if ((s.charCodeAt(attrStart) | 32) === 111 /* o */ && (s.charCodeAt(attrStart + 1) | 32) === 110 /* n */) {
        return fail(unsafe(`event handler attribute '${s.slice(attrStart, attrEnd)}' is not allowed in narrative <${name}>`));
      }
      if (amp !== -1) {
        const p = entityProblem(s, amp, valueEnd);
        if (p) return fail(p);
      }
      if ((colon || amp !== -1) && mayBeScriptUrl(s, valueStart, valueEnd) && isScriptUrl(s.slice(valueStart, valueEnd))) {
        return fail(unsafe(`script URL in attribute '${s.slice(attrStart, attrEnd)}' is not allowed in narrative <${name}>`));
      }
      if (isRoot && attrEnd - attrStart === 5 && s.startsWith('xmlns', attrStart)) tagXmlns = s.slice(valueStart, valueEnd);
    }
  };

  return {
    check(div: string): XhtmlProblem | undefined {
      let start = 0;
      while (start < div.length && div.charCodeAt(start) <= 32) start++;
      let end = div.length;
      while (end > start && div.charCodeAt(end - 1) <= 32) end--;
      if (!div.startsWith('<div', start)) return invalid('narrative must be an XHTML <div> element');
      const stack: string[] = [];
      let nextAmp = div.indexOf('&', start);
      let i = start;
      let rootClosed = false;
      while (i < end) {
        const lt = div.indexOf('<', i);
        const textEnd = lt === -1 || lt > end ? end : lt;
        if (textEnd > i) {
          if (rootClosed) return invalid('content after the closing </div>');
          if (nextAmp !== -1 && nextAmp < i) nextAmp = div.indexOf('&', i);
          if (nextAmp !== -1 && nextAmp < textEnd) {
            const p = entityProblem(div, nextAmp, textEnd);
            if (p) return p;
          }
        }
        if (textEnd === end) break;
        if (rootClosed) return invalid('content after the closing </div>');
        if (div.charCodeAt(lt + 1) === 33 /* ! */ && div.startsWith('<!--', lt)) {
          const close = div.indexOf('-->', lt + 4);
          if (close === -1 || close + 3 > end) return invalid('unterminated comment');
          i = close + 3;
          continue;
        }
        const next = scanTag(div, lt, stack.length === 0);
        if (next === -1) return problem;
        if (tagClosing) {
          const open = stack.pop();
          if (open !== tagName) return invalid(`closing tag </${tagName}> does not match <${open ?? 'nothing'}>`);
          if (stack.length === 0) rootClosed = true;
        } else {
          if (stack.length === 0 && tagXmlns !== XHTML_NS) return invalid(`the narrative <div> must declare xmlns="${XHTML_NS}"`);
          if (tagSelfClosing) {
            if (stack.length === 0) rootClosed = true;
          } else {
            stack.push(tagName);
          }
        }
        i = next;
      }
      if (stack.length > 0) return invalid(`unclosed element <${stack[stack.length - 1]}>`);
      return undefined;
    },
  };
}
