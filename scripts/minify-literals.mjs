/**
 * Build-time minification of Lit's template literals (a Vite/Rolldown plugin, used by both builds).
 *
 * - css`…`: comments stripped, whitespace collapsed, no space around `{ } ; ,` or after `:`,
 *   no `;` before `}`. Strings ('…', "…") and escapes are copied as they are.
 * - html`…` / svg`…`: only indentation goes: every whitespace run that contains a line break
 *   becomes one line break (which renders exactly as the run did: no `<pre>` or `white-space: pre`
 *   text exists in rt-monitor, and a template that has `<pre` or `<textarea` is left alone).
 *
 * Whitespace next to a `${…}` expression is never removed entirely (at most collapsed), so
 * values like `margin: ${a} auto` keep their separators. Only tags named exactly `css`, `html`
 * or `svg` are touched. Source maps follow (magic-string).
 */
import MagicString from 'magic-string';
import { parseAst } from 'vite';

const TAGS = new Set(['css', 'html', 'svg']);

/** Minifies the raw text of one CSS quasi. `first` / `last`: at the template's start / end. */
export function minifyCssChunk(raw, first = true, last = true) {
  // Tokens: quoted strings (kept verbatim) and the text between them (minified).
  const parts = [];
  let text = '';
  let i = 0;
  const n = raw.length;
  while (i < n) {
    const c = raw[i];
    if (c === '\\') {
      text += raw.slice(i, i + 2);
      i += 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && raw[j] !== c) j += raw[j] === '\\' ? 2 : 1;
      parts.push(text, raw.slice(i, j + 1));
      text = '';
      i = j + 1;
    } else if (c === '/' && raw[i + 1] === '*') {
      const end = raw.indexOf('*/', i + 2);
      if (end < 0) return raw; // a comment that spans an expression: leave the chunk alone
      i = end + 2;
      text += ' ';
    } else if (/\s/.test(c)) {
      while (i < n && /\s/.test(raw[i])) i++;
      text += ' ';
    } else {
      text += c;
      i++;
    }
  }
  parts.push(text);
  let out = parts
    .map((part, k) =>
      k % 2 === 1
        ? part
        : part
            .replace(/ {2,}/g, ' ')
            .replace(/ ?([{};,]) ?/g, '$1')
            .replace(/: /g, ':')
            .replace(/;}/g, '}'),
    )
    .join('');
  if (first) out = out.replace(/^ /, '');
  if (last) out = out.replace(/ $/, '');
  return out;
}

/** Minifies the raw text of one html/svg quasi: indentation and trailing spaces go. */
export function minifyHtmlChunk(raw, first = true, last = true) {
  let out = raw.replace(/[ \t]*\n\s*/g, '\n');
  if (first) out = out.replace(/^\n/, '');
  if (last) out = out.replace(/\n$/, '');
  return out;
}

function walk(node, visit) {
  if (!node || typeof node.type !== 'string') return;
  visit(node);
  for (const key in node) {
    if (key === 'parent') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof v === 'object') walk(v, visit);
    } else if (value && typeof value === 'object' && typeof value.type === 'string') {
      walk(value, visit);
    }
  }
}

/** Returns `{ code, map }` with the literals minified, or null when nothing changed. */
export function minifyLiterals(code, id = 'input.js') {
  if (!/\b(css|html|svg)`/.test(code)) return null;
  let ast;
  try {
    ast = parseAst(code, { lang: /\.tsx?$/.test(id) ? 'ts' : 'js' });
  } catch {
    return null;
  }
  const s = new MagicString(code);
  let changed = false;
  walk(ast, (node) => {
    if (node.type !== 'TaggedTemplateExpression' || node.tag.type !== 'Identifier' || !TAGS.has(node.tag.name)) return;
    const quasis = node.quasi.quasis;
    const isCss = node.tag.name === 'css';
    if (!isCss && quasis.some((q) => /<(pre|textarea)\b/i.test(q.value.raw))) return;
    quasis.forEach((q, i) => {
      const raw = q.value.raw;
      // JS ranges hold the text only; TS ranges include the delimiters (` … ${ or } … `).
      const start = code.startsWith(raw, q.start) ? q.start : q.start + 1;
      if (!raw || !code.startsWith(raw, start) || start + raw.length > q.end) return; // unexpected: leave it
      const min = (isCss ? minifyCssChunk : minifyHtmlChunk)(raw, i === 0, i === quasis.length - 1);
      if (min !== raw) {
        if (min === '') s.remove(start, start + raw.length);
        else s.overwrite(start, start + raw.length, min);
        changed = true;
      }
    });
  });
  if (!changed) return null;
  return { code: s.toString(), map: s.generateMap({ hires: true, source: id, includeContent: true }) };
}

/** The Vite plugin. */
export function minifyLiteralsPlugin() {
  return {
    name: 'rt-minify-literals',
    apply: 'build',
    transform(code, id) {
      if (id.includes('/node_modules/') || !/\.[cm]?[jt]sx?$/.test(id.split('?')[0])) return null;
      return minifyLiterals(code, id);
    },
  };
}
