/**
 * A script tag's `data-access-token-url` on the page's own origin, under a policy whose
 * `connect-src` lists only the Supabase project (no 'self'): the renewal is refused by the page's
 * policy, and the cause says so (QA58 F4: "could not be reached (Failed to fetch)", and the widgets
 * said the sign-in may have ended). Its own file: a page cannot drop a policy again.
 */
import { expect } from '@open-wc/testing';
import { optionsOfScript } from '../../src/internal/script-config.js';

describe("data-access-token-url refused by the page's own policy", () => {
  it('the error names the policy and what to allow', async () => {
    const meta = document.createElement('meta');
    meta.httpEquiv = 'Content-Security-Policy';
    meta.content = 'connect-src http://127.0.0.1:9 ws://127.0.0.1:9';
    document.head.append(meta);
    const script = document.createElement('script');
    script.dataset.supabaseUrl = 'http://127.0.0.1:9';
    script.dataset.anonKey = 'anon';
    script.dataset.accessTokenUrl = '/api/supabase-token';
    const token = optionsOfScript(script)!.accessToken as () => Promise<string | null>;
    let error: unknown;
    await token().catch((e: unknown) => (error = e));
    const message = error instanceof Error ? error.message : String(error);
    expect(message).to.include("Content-Security-Policy (connect-src) blocks data-access-token-url");
    expect(message).to.include(`${location.origin}/api/supabase-token`);
    expect(message).to.include("'self'");
  });
});
