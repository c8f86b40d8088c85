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
});
