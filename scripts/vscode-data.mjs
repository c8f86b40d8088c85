#!/usr/bin/env node
/**
 * VS Code HTML custom data from custom-elements.json → dist/vscode.html-custom-data.json.
 * Point VS Code at it (`"html.customData": ["./node_modules/rt-monitor/dist/vscode.html-custom-data.json"]`)
 * for completion and hover docs of the rt-* tags and their attributes in .html files.
 *
 *   node scripts/vscode-data.mjs [manifest] [out]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const [manifestPath = 'custom-elements.json', outPath = 'dist/vscode.html-custom-data.json'] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

/** `'sm' | 'md' | 'lg' | undefined` → [{ name: 'sm' }, …]; null for open types. */
function valuesOf(type) {
  if (!type) return null;
  const parts = type.split('|').map((p) => p.trim()).filter((p) => p && p !== 'undefined' && p !== 'null');
  if (parts.length && parts.every((p) => /^(['"]).*\1$/.test(p))) return parts.map((p) => ({ name: p.slice(1, -1) }));
  return null;
}

function describe(decl) {
  const lines = [decl.summary ?? '', decl.description && decl.description !== decl.summary ? decl.description : ''].filter(Boolean);
  const list = (title, items, fmt) => (items?.length ? [`**${title}:**`, ...items.map(fmt)].join('\n') : '');
  lines.push(
    list('Events', decl.events, (e) => `- \`${e.name}\`${e.description ? ` — ${e.description}` : ''}`),
    list('Slots', decl.slots, (s) => `- ${s.name ? `\`${s.name}\`` : '(default)'}${s.description ? ` — ${s.description}` : ''}`),
    list('CSS parts', decl.cssParts, (p) => `- \`::part(${p.name})\`${p.description ? ` — ${p.description}` : ''}`),
    list('CSS properties', decl.cssProperties, (p) => `- \`${p.name}\`${p.description ? ` — ${p.description}` : ''}`),
  );
  return lines.filter(Boolean).join('\n\n');
}

const tags = [];
for (const mod of manifest.modules ?? []) {
  for (const decl of mod.declarations ?? []) {
    if (!decl.customElement || !decl.tagName) continue;
    tags.push({
      name: decl.tagName,
      description: describe(decl),
      attributes: (decl.attributes ?? []).map((a) => {
        const values = valuesOf(a.type?.text);
        return {
          name: a.name,
          description: [a.description, a.type?.text ? `Type: \`${a.type.text}\`` : '', a.default ? `Default: \`${a.default}\`` : ''].filter(Boolean).join('\n\n'),
          ...(values ? { values } : {}),
        };
      }),
      references: [{ name: 'Documentation', url: `https://www.npmjs.com/package/${pkg.name}` }],
    });
  }
}
tags.sort((a, b) => a.name.localeCompare(b.name));
if (!tags.length) {
  console.error(`vscode-data: no custom elements in ${manifestPath}`);
  process.exit(1);
}
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, `${JSON.stringify({ $schema: 'https://raw.githubusercontent.com/microsoft/vscode-html-languageservice/main/docs/customData.schema.json', version: 1.1, tags }, null, 2)}\n`);
console.log(`vscode-data: ${tags.length} tags → ${outPath}`);
