/**
 * Every element's styles read design tokens through their internal names (`--_color-…`, defined once
 * per host from `--rt-color-…` with a default, src/styles/tokens.ts). A rule reading a public
 * `--rt-…` property without a fallback is dropped on every page that does not set it: the
 * "Could not mark as read" line lost its colour, spacing and size that way.
 */
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { RT_TAGS as TAGS } from '../../src/generated/tags.js';
import { cssTextOf } from './helpers.js';


describe('element styles', () => {
  it('read no public --rt-* custom property without a fallback', () => {
    expect(TAGS.length).to.be.greaterThan(10);
    for (const tag of TAGS) {
      const bare = cssTextOf(tag).match(/var\(\s*--rt-[\w-]+\s*\)/g) ?? [];
      expect(bare, `${tag} reads ${bare.join(', ')} without a default`).to.deep.equal([]);
    }
  });
});
