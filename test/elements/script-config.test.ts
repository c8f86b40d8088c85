/** The script tag's `data-*` configuration (src/internal/script-config.ts), read from a tag as written. */
import { expect } from '@open-wc/testing';
import { optionsKey, optionsOfScript } from '../../src/internal/script-config.js';

function tag(attrs: Record<string, string>): HTMLScriptElement {
  const s = document.createElement('script');
  for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v);
  return s;
}

describe('script tag data-* configuration', () => {
  it('data-revalidate-ms and data-realtime-mode reach the client options, and change its identity', () => {
    const base = { 'data-supabase-url': 'https://xyz.supabase.co', 'data-anon-key': 'anon' };
    const plain = optionsOfScript(tag(base))!;
    const tuned = optionsOfScript(tag({ ...base, 'data-revalidate-ms': '30000', 'data-realtime-mode': 'broadcast' }))!;
    expect(plain.revalidateMs).to.equal(undefined);
    expect(tuned.revalidateMs).to.equal(30_000);
    expect(tuned.realtimeMode).to.equal('broadcast');
    expect(optionsKey(tuned)).to.not.equal(optionsKey(plain));
    expect(optionsOfScript(tag({ ...base, 'data-revalidate-ms': '0' }))!.revalidateMs).to.equal(0);
  });

  it('data-revalidate-ms follows the rule of every numeric attribute (src/internal/number-attributes.ts), said once', () => {
    const base = { 'data-supabase-url': 'https://xyz.supabase.co', 'data-anon-key': 'anon' };
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
    try {
      const ms = (value: string) => optionsOfScript(tag({ ...base, 'data-revalidate-ms': value }))!.revalidateMs;
      expect(ms('soon'), 'not a number: the default').to.equal(undefined);
      expect(ms('soon')).to.equal(undefined);
      expect(ms('-1'), 'negative: the default').to.equal(undefined);
      expect(ms('2500.5'), 'floored').to.equal(2500);
      expect(ms('1e12'), 'at most a day').to.equal(86_400_000);
    } finally {
      console.warn = warn;
    }
    for (const v of ['soon', '-1', '2500.5', '1e12']) expect(warnings.filter((w) => w.includes('data-revalidate-ms') && w.includes(`"${v}"`)), v).to.have.length(1);
  });
});
