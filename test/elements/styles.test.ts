/**
 * Every element's styles read design tokens through their internal names (`--_color-…`, defined once
 * per host from `--rt-color-…` with a default, src/styles/tokens.ts). A rule reading a public
 * `--rt-…` property without a fallback is dropped on every page that does not set it: the
 * "Could not mark as read" line lost its colour, spacing and size that way.
 */
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { RT_TAGS as TAGS } from '../../src/generated/tags.js';

function cssTextOf(tag: string): string {
  const ctor = customElements.get(tag) as unknown as { elementStyles?: Array<CSSStyleSheet | { cssText: string }> } | undefined;
  expect(ctor, tag).to.exist;
  return (ctor!.elementStyles ?? [])
    .map((s) => ('cssText' in s ? s.cssText : Array.from((s as CSSStyleSheet).cssRules, (r) => r.cssText).join('\n')))
    .join('\n');
}

describe('element styles', () => {
  it('read no public --rt-* custom property without a fallback', () => {
    expect(TAGS.length).to.be.greaterThan(10);
    for (const tag of TAGS) {
      const bare = cssTextOf(tag).match(/var\(\s*--rt-[\w-]+\s*\)/g) ?? [];
      expect(bare, `${tag} reads ${bare.join(', ')} without a default`).to.deep.equal([]);
    }
  });
});
