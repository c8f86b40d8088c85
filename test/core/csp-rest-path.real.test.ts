/**
 * A policy that allows the project's socket and one REST table (`/rest/v1/streams`) and refuses the
 * others (QA59 F2, F3, F5). Before:
 * - a network failure of the allowed table read as the page's policy (any refusal below /rest/v1
 *   was taken for all of REST);
 * - a refused read first said "Cannot reach the server", the policy a moment later (the page's
 *   report comes a task after the failure);
 * - the message named the whole host, which served the allowed table beside it.
 * Real backend; its own file: a page cannot drop a policy again.
 */
import { expect } from '@open-wc/testing';
import { createRtClient } from '../../src/core/client.js';
import type { RtError } from '../../src/core/types.js';
import { USERS, backendInfo, newStream, signIn, waitFor } from '../helpers/backend.js';

describe("the page's policy allows one REST table of the project (real backend)", function () {
  this.timeout(60_000);

  it('a refused table says the policy from its first error, naming its address; an outage of the allowed one is an outage', async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const stream = await newStream({ name: 'path-limited policy' });
    const ws = info.url.replace(/^http/, 'ws');
    const meta = document.createElement('meta');
    meta.httpEquiv = 'Content-Security-Policy';
    meta.content = `connect-src 'self' ws://${location.host} ${info.url}/rest/v1/streams ${info.url}/auth/ ${info.url}/__dev/ ${ws}/realtime/`;
    document.head.append(meta);
    // The allowed table's requests fail as an unreachable server does, once `down` is set.
    let down = false;
    const realFetch = window.fetch;
    window.fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      return down && url.includes('/rest/v1/streams') ? Promise.reject(new TypeError('Failed to fetch')) : realFetch.call(window, input, init);
    };
    const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: token });
    const s = c.liveQuery('stream', { streamId: stream.id });
    const a = c.liveQuery('signal-alerts', {});
    const alertErrors: RtError[] = [];
    const offs = [s.subscribe(() => {}), a.subscribe((st) => st.error && alertErrors.at(-1) !== st.error && alertErrors.push(st.error))];
    try {
      await waitFor(() => s.getState().phase === 'live' && a.getState().error, 20_000, () => `the stream live, the alerts refused (${JSON.stringify([s.getState().phase, a.getState().error])})`);
      expect(alertErrors.map((e) => e.detail), 'every error of the refused table names the policy, the first too').to.deep.equal(alertErrors.map(() => 'csp-blocked'));
      expect(a.getState().error!.message).to.include(`${info.url}/rest/v1/signal_alerts`);
      down = true;
      s.refresh();
      await waitFor(() => s.getState().error, 15_000, 'the allowed table failing');
      expect(s.getState().error!.detail ?? null, s.getState().error!.message).to.not.equal('csp-blocked');
      expect(s.getState().error!.code).to.equal('network');
    } finally {
      for (const off of offs) off();
      c.dispose();
      window.fetch = realFetch;
    }
  });
});
