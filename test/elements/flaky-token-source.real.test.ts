/**
 * A token callback that fails now and then while it hands out short-lived tokens (a flaky auth
 * SDK, a project with short JWTs), real backend, real elements (QA57 F1). Before: a token with
 * less than 30 s left was asked for again on every read, so each new client asked the callback
 * once per widget; each `null` rebuilt the client (a sign-out), the next token rebuilt it again
 * (a sign-in), and that new client asked at once, several times: ~50 sockets and ~150 asks a
 * second, widgets stuck on "Loading…" after the callback was healthy again.
 */
import { expect } from '@open-wc/testing';
import { ContextEvent } from '@lit/context';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import type { RtProvider } from '../../src/elements/rt-provider/rt-provider.js';
import { rtClientContext } from '../../src/context/rt-context.js';
import type { RtClientApi } from '../../src/core/client-types.js';
import { en } from '../../src/internal/strings.js';
import { ALICE, backendInfo, mintToken, newStream, updateRows, waitFor } from '../helpers/backend.js';
import { deepText } from './helpers.js';

describe('a token callback that fails now and then, with short-lived tokens (real backend)', function () {
  this.timeout(120_000);

  for (const failure of ['null', 'throw'] as const) it(`${failure === 'null' ? 'answers null' : 'throws'} one ask in two: each answer serves the new client, no ask per widget, no storm, Live again after (QA57 F1)`, async () => {
    const info = await backendInfo();
    const streams = await Promise.all([1, 2, 3].map((i) => newStream({ name: `flaky ${i}` })));
    let asks = 0;
    let failing = false;
    let nulls = 0;
    const callback = async () => {
      asks++;
      if (failing && asks % 2 === 0) {
        nulls++;
        if (failure === 'throw') throw new Error('flaky auth');
        return null; // "signed out", now and then
      }
      return mintToken(ALICE, 20, undefined, true); // lives 20 s: inside the 30 s renewal window from the start
    };
    const provider = document.createElement('rt-provider') as RtProvider;
    provider.setAttribute('supabase-url', info.url);
    provider.setAttribute('anon-key', info.anonKey);
    provider.accessToken = callback;
    const widgets = streams.map((s) => {
      const w = document.createElement('rt-stream-progress');
      w.setAttribute('stream-id', s.id);
      return w;
    });
    const alerts = document.createElement('rt-signal-alerts');
    // Every client the provider hands out, in order.
    const clients: RtClientApi[] = [];
    const probe = document.createElement('div');
    provider.append(probe, ...widgets, alerts);
    document.body.append(provider);
    probe.dispatchEvent(new ContextEvent(rtClientContext, probe, (c) => c && !clients.includes(c) && clients.push(c), true));
    const live = () => [...widgets, alerts].every((w) => deepText(w.shadowRoot!).includes(en.live));
    try {
      await waitFor(live, 20_000, 'live');
      const [asked, built] = [asks, clients.length];
      failing = true;
      await waitFor(() => nulls >= 2, 60_000, 'two "signed out" answers');
      failing = false;
      const [asksFailing, builtFailing] = [asks - asked, clients.length - built];
      // Each "none" makes a client, and the next token another; each client asks once, or not at
      // all when it starts from the answer that made it (five widgets: five asks per client before).
      expect(builtFailing, 'clients built').to.be.at.most(2 * nulls + 1);
      expect(asksFailing, `asks (${builtFailing} clients)`).to.be.at.most(builtFailing + nulls + 2);

      // Healthy again: every widget Live on the current value.
      await updateRows('streams', { id: streams[0]!.id }, { name: 'flaky after' });
      await waitFor(() => live() && deepText(widgets[0]!.shadowRoot!).includes('flaky after'), 30_000, () => `live again (${widgets.map((w) => deepText(w.shadowRoot!).slice(0, 60)).join(' | ')})`);
    } finally {
      provider.remove();
    }
  });
});
