/**
 * A third-party token whose user id (`sub`) is not a UUID (Clerk's `user_…`), before the policies
 * were adapted (README, "Row Level Security: what to adapt"). QA86 L1: a stream widget read
 * "Invalid id: invalid input syntax for type uuid", as if its `stream-id` were wrong, and the
 * alerts "… is not a valid user_id …: map it with the tables option", which does not fix it. Both
 * now name the token's user id and the fix (real backend, real Chromium).
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import { backendInfo, mintToken, newStream, waitFor } from '../helpers/backend.js';
import { deepText } from './helpers.js';

const CLERK_SUB = 'user_2NNEqL2nrIRdJ194ndJqAHwEfxC';

describe('a token whose user id is not a UUID (third-party auth, real backend)', function () {
  this.timeout(60_000);

  it('the stream widget and the alerts name the token\'s user id and the policy fix, not a wrong stream-id or the tables option (QA86 L1)', async () => {
    const info = await backendInfo();
    const stream = await newStream({ name: `clerk sub ${Date.now()}` });
    const token = await mintToken(CLERK_SUB, 3600, undefined, true);
    const root = await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}>
      <rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
      <rt-signal-alerts></rt-signal-alerts>
    </rt-provider>`);
    for (const tag of ['rt-stream-progress', 'rt-signal-alerts']) {
      const el = root.querySelector(tag)!;
      const text = () => deepText(el.shadowRoot!);
      await waitFor(() => text().includes(`("${CLERK_SUB}") is no UUID`), 20_000, () => `${tag} names the token's user id (${text()})`);
      expect(text(), tag).to.include("auth.jwt() ->> 'sub'");
      expect(text(), tag).to.not.include('Map it with the tables option');
      expect(text(), tag).to.not.match(/\bLive\b/);
    }
  });
});
