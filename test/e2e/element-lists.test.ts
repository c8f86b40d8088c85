/**
 * Adding an element is adding one folder (issue 12): every list of elements (the script-tag bundle's
 * tags, the npm entry's exports, the JSX / Vue tag types, the React wrappers and their events) is
 * generated from custom-elements.json by scripts/generate-lists.mjs. So is the script-tag bundle's
 * list of the npm entry's other exports (`RtMonitor.*`, src/generated/exports.ts), from src/index.ts:
 * adding an export is adding it there.
 *
 * 1. The generator against a fixture manifest: the real one plus a sixth-kind element.
 * 2. The real pipeline on a copy of src/ with one new folder src/elements/rt-fixture-gauge/:
 *    `cem analyze` → generate-lists → `tsc` over the copy. The new tag is in every generated file
 *    and the generated code type-checks with it; a new export of src/index.ts (a new module) is in
 *    the script-tag bundle's list, its type-only exports are not.
 * 3. The committed files are what the committed manifest generates (the check `npm test` runs).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// @ts-expect-error: a plain .mjs script without declarations
import { generateLists } from '../../scripts/generate-lists.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const manifest = () => JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8'));
type Files = Record<string, string>;
const generate = (m: unknown): Files => generateLists(m, ROOT) as Files;

/** The tag, class and event of the fixture element in every check below. */
const TAG = 'rt-fixture-gauge';
const CLASS = 'RtFixtureGauge';

function assertEverywhere(files: Files, event: string): void {
  assert.match(files['src/generated/tags.ts'], new RegExp(`'${TAG}'`), 'RT_TAGS (script-tag bundle, RtMonitor.tags)');
  assert.match(files['src/generated/elements.ts'], new RegExp(`export \\{ ${CLASS} \\} from '../elements/${TAG}/${TAG}.js'`), 'npm entry exports');
  // The script-tag bundle names element classes by their tags, not in its list of the other exports.
  assert.doesNotMatch(files['src/generated/exports.ts'], new RegExp(`\\b${CLASS}\\b`), 'not among RtMonitor\'s other exports');
  assert.match(files['src/generated/tag-types.ts'], new RegExp(`'${TAG}': \\[${CLASS}, \\{ [^\\]]*'${event}': RtEvent<'${event}'>`), 'JSX / Vue tag types with its event');
  const react = files['src/generated/react.ts'];
  const wrapper = files[`src/react/${TAG}.ts`] ?? '';
  assert.match(wrapper, new RegExp(`export const ${CLASS}: RtReactComponent<${CLASS}Element, [^>]*> = createComponent\\(\\{[^}]*tagName: '${TAG}',[^}]*elementClass: ${CLASS}Element,`), 'React wrapper (rt-monitor/react/<tag>)');
  assert.match(react, new RegExp(`export \\{ ${CLASS}, type ${CLASS}Element \\} from '../react/${TAG}.js'`), 'React wrapper in rt-monitor/react');
  assert.match(react, new RegExp(`'${TAG}': \\[[^\\]]*'${event}'`), 'React wrapper events');
  // Containers (provider, dashboard) hear the new element's events too.
  for (const container of ['rt-provider', 'rt-monitoring-dashboard']) {
    assert.match(react, new RegExp(`'${container}': \\[[^\\]]*'${event}'`), `${container} hears ${event}`);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'rt-lists-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('element lists are generated from the elements\' declarations', () => {
  test('a fixture manifest with one more element: the element is in every generated list', () => {
    const m = manifest();
    m.modules.push({
      kind: 'javascript-module',
      path: `src/elements/${TAG}/${TAG}.ts`,
      declarations: [
        { kind: 'class', name: CLASS, tagName: TAG, customElement: true, summary: 'A fixture gauge.', events: [{ name: 'rt-fixture-tick' }, { name: 'rt-error' }] },
      ],
    });
    const files = generate(m);
    assertEverywhere(files, 'rt-fixture-tick');
    // …and nothing else changed: the other elements keep their lists.
    const before = generate(manifest());
    assert.equal(files['src/generated/tags.ts'].split('\n').length, before['src/generated/tags.ts'].split('\n').length + 1);
  });

  test('one new folder under src/elements/ on a copy of the sources: cem analyze → generate-lists → tsc', () => {
    const work = join(tmp, 'repo');
    mkdirSync(work);
    cpSync(join(ROOT, 'src'), join(work, 'src'), { recursive: true });
    for (const f of ['tsconfig.json', 'custom-elements-manifest.config.mjs', 'package.json']) cpSync(join(ROOT, f), join(work, f));
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    // …and one new export of the npm entry, from a new module (a value and a type-only one).
    writeFileSync(join(work, 'src/internal/fixture-helper.ts'), 'export const fixtureHelper = (n: number): number => n + 1;\nexport class FixtureShape {}\n');
    writeFileSync(
      join(work, 'src/index.ts'),
      `${readFileSync(join(work, 'src/index.ts'), 'utf8')}export { fixtureHelper, type FixtureShape } from './internal/fixture-helper.js';\n`,
    );
    // tsconfig.json also includes test/: only the sources exist in the copy (an empty include list is an error).
    const tsconfig = JSON.parse(readFileSync(join(work, 'tsconfig.json'), 'utf8'));
    tsconfig.include = ['src/**/*.ts'];
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(tsconfig));
    mkdirSync(join(work, 'src/elements', TAG));
    writeFileSync(
      join(work, 'src/elements', TAG, `${TAG}.ts`),
      `import { html } from 'lit';
import { property } from 'lit/decorators.js';
import { RtElement } from '../../internal/rt-element.js';

/**
 * @customElement ${TAG}
 * @summary A gauge, added as one folder.
 * @fires rt-error - Never, in this fixture; declared to show events reach every list.
 */
export class ${CLASS} extends RtElement {
  /** The value shown. */
  @property({ type: Number }) value = 0;
  protected override render() {
    return html\`<span part="base">\${this.value}</span>\`;
  }
}

${CLASS}.define('${TAG}');

declare global {
  interface HTMLElementTagNameMap {
    '${TAG}': ${CLASS};
  }
}
`,
    );
    const cem = spawnSync(process.execPath, [join(ROOT, 'node_modules/@custom-elements-manifest/analyzer/cem.js'), 'analyze', '--quiet'], { cwd: work, encoding: 'utf8' });
    assert.equal(cem.status, 0, `cem analyze: ${cem.stdout}${cem.stderr}`);
    const gen = spawnSync(process.execPath, [join(ROOT, 'scripts/generate-lists.mjs')], { cwd: work, encoding: 'utf8' });
    assert.equal(gen.status, 0, `generate-lists: ${gen.stdout}${gen.stderr}`);
    const files: Files = {};
    for (const f of ['tags', 'elements', 'tag-types', 'react', 'exports']) files[`src/generated/${f}.ts`] = readFileSync(join(work, 'src/generated', `${f}.ts`), 'utf8');
    files[`src/react/${TAG}.ts`] = readFileSync(join(work, 'src/react', `${TAG}.ts`), 'utf8');
    assertEverywhere(files, 'rt-error');
    // The new export is on `RtMonitor` (src/cdn.ts spreads NPM_EXPORTS), the type-only one is not.
    assert.match(files['src/generated/exports.ts'], /^export const NPM_EXPORTS[^]*\bfixtureHelper,/m, 'a new export of src/index.ts is in RtMonitor\'s list');
    assert.doesNotMatch(files['src/generated/exports.ts'], /FixtureShape/, 'a type-only export is not');
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: work, encoding: 'utf8' });
    assert.equal(tsc.status, 0, `the generated lists type-check with the new element and export:\n${tsc.stdout}${tsc.stderr}`);
  });

  test('the committed src/generated/ files are what the committed manifest generates', () => {
    for (const [path, text] of Object.entries(generate(manifest()))) {
      assert.equal(readFileSync(join(ROOT, path), 'utf8'), text, `${path} is stale: run \`npm run manifest\``);
    }
  });
});
