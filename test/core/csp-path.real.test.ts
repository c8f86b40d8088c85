/**
 * A page whose Content-Security-Policy allows exactly what rt-monitor needs of the project (its
 * REST and Realtime paths) and refuses the page's own request to another path of the same host (a
 * Storage avatar). Before, a refusal marked the whole host for the page's life: the next real
 * outage of the socket read "This page's Content-Security-Policy blocks the connection" (QA58 F3).
 * Real backend; its own file: a page cannot drop a policy again.
 */
import { expect } from '@open-wc/testing';
import { createRtClient } from '../../src/core/client.js';
import { USERS, backendInfo, newStream, pauseRealtime, signIn, waitFor } from '../helpers/backend.js';

describe("the page's policy refused its own request to another path of the project's host (real backend)", function () {
  this.timeout(60_000);

  it('a socket outage afterwards is an outage, not the policy', async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const stream = await newStream({ name: 'path policy' });
    const ws = info.url.replace(/^http/, 'ws');
    const meta = document.createElement('meta');
    meta.httpEquiv = 'Content-Security-Policy';
    meta.content = `connect-src 'self' ws://${location.host} ${info.url}/rest/ ${info.url}/auth/ ${info.url}/__dev/ ${ws}/realtime/`; // (__dev: the test's fault control)
    document.head.append(meta);
    const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: token });
    const q = c.liveQuery('stream', { streamId: stream.id });
    const off = q.subscribe(() => {});
    try {
      await waitFor(() => q.getState().phase === 'live', 15_000, 'live under the policy');
      // The page's own request, refused by its policy (reported on the document).
      const refused = new Promise<void>((resolve) => document.addEventListener('securitypolicyviolation', () => resolve(), { once: true }));
      await fetch(`${info.url}/storage/v1/object/public/avatars/a.png`).catch(() => null);
      await refused;
      // A real outage: the realtime server drops every socket and refuses new ones for a while.
      await pauseRealtime(8000);
      // Reconnects refused during the pause: each failure's cause is weighed against the policy.
      await waitFor(() => c.getConnection().attempt >= 2 && c.getConnection().lastError !== null, 20_000, 'failed reconnects seen');
      expect(c.getConnection().lastError!.detail, c.getConnection().lastError!.message).to.not.equal('csp-blocked');
      expect(q.getState().error?.detail ?? null).to.not.equal('csp-blocked');
      await waitFor(() => q.getState().phase === 'live', 30_000, 'live again after the outage');
    } finally {
      off();
      c.dispose();
    }
  });
});
