/**
 * custom-elements.json (committed, checked for staleness by scripts/check-manifest.mjs) describes
 * every element tools see: <rt-provider> has its tag name, and the attributes every element
 * inherits from RtElement (`locale`, `theme`) are listed on each element.
 */
import { expect } from '@open-wc/testing';

interface Attr {
  name: string;
  inheritedFrom?: { name: string };
}
interface Decl {
  kind: string;
  name: string;
  tagName?: string;
  customElement?: boolean;
  attributes?: Attr[];
}
interface Manifest {
  modules: { path: string; declarations?: Decl[] }[];
}

async function manifest(): Promise<Manifest> {
  const res = await fetch('/custom-elements.json');
  expect(res.ok).to.equal(true);
  return (await res.json()) as Manifest;
}

describe('custom-elements.json', () => {
  it('names <rt-provider> with its tag and its attributes', async () => {
    const decls = (await manifest()).modules.flatMap((m) => m.declarations ?? []);
    const provider = decls.find((d) => d.name === 'RtProvider');
    expect(provider?.tagName).to.equal('rt-provider');
    expect(provider?.customElement).to.equal(true);
    expect(provider?.attributes?.map((a) => a.name)).to.include.members(['supabase-url', 'anon-key', 'access-token', 'locale', 'theme']);
  });

  it('lists the locale and theme attributes every rt-* element inherits from RtElement', async () => {
    const elements = (await manifest()).modules
      .filter((m) => m.path.startsWith('src/elements/'))
      .flatMap((m) => m.declarations ?? [])
      .filter((d) => d.tagName && d.tagName !== 'rt-provider');
    expect(elements.length).to.be.greaterThan(10);
    for (const el of elements) {
      for (const name of ['locale', 'theme']) {
        const attr = el.attributes?.find((a) => a.name === name);
        expect(attr, `<${el.tagName}> ${name}`).to.exist;
        expect(attr?.inheritedFrom?.name, `<${el.tagName}> ${name} inherited`).to.equal('RtElement');
      }
    }
  });
});
