/**
 * A page whose Content-Security-Policy allows the project's socket but refuses its REST API
 * (QA58 F7): the refusal is the policy's answer for the document's life. Before, every re-read
 * (the store's retries, each refresh, every read a realtime change sets off) sent the request again:
 * a console error and a violation report each time, for good. The first refusal is said
 * (`csp-blocked`), and nothing to a refused address goes out again. Real backend; its own file: a
 * page cannot drop a policy again.
 */
import { expect } from '@open-wc/testing';
import { createRtClient } from '../../src/core/client.js';
import { USERS, backendInfo, newStream, signIn, waitFor } from '../helpers/backend.js';

describe("the page's policy refuses the project's REST API (real backend)", function () {
  this.timeout(60_000);

  it('says so, and does not send a refused read again', async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const stream = await newStream({ name: 'refused REST' });
    const ws = info.url.replace(/^http/, 'ws');
    const meta = document.createElement('meta');
    meta.httpEquiv = 'Content-Security-Policy';
    meta.content = `connect-src 'self' ws://${location.host} ${info.url}/auth/ ${info.url}/__dev/ ${ws}/realtime/`;
    document.head.append(meta);
    const sent: string[] = [];
    const realFetch = window.fetch;
    window.fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/rest/v1/')) sent.push(url);
      return realFetch.call(window, input, init);
    };
    const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: token });
    const q = c.liveQuery('stream', { streamId: stream.id });
    // Each failed read is a new error object: counting them counts the reads tried.
    let tried = 0;
    let last: unknown = null;
    const off = q.subscribe((state) => {
      if (state.error && state.error !== last) tried++;
      last = state.error;
    });
    try {
      await waitFor(() => q.getState().error?.detail === 'csp-blocked', 20_000, () => `the policy named (${JSON.stringify(q.getState().error)})`);
      expect(q.getState().error!.message).to.match(/Content-Security-Policy/);
      const before = sent.length;
      expect(before).to.be.greaterThan(0);
      for (let i = 1; i <= 3; i++) {
        const at = tried;
        q.refresh();
        await waitFor(() => tried > at, 15_000, `re-read ${i} failed again`);
        expect(q.getState().error?.detail, q.getState().error?.message).to.equal('csp-blocked');
      }
      expect(sent.slice(before), 're-reads of a refused address sent again').to.deep.equal([]);
    } finally {
      off();
      c.dispose();
      window.fetch = realFetch;
    }
  });
});
