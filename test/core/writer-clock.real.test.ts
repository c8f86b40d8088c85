/**
 * Rows written by a client whose clock is wrong (real backend, real Chromium, real elements).
 *
 * `updated_at` is what the writer sent unless a trigger sets it, and the schema's trigger runs on
 * UPDATE only: a row inserted by a writer whose clock is fast (or in local time without a zone)
 * carries a version from the future. Before, every real change after it was "older" and dropped,
 * and so was every re-read: the widget stayed on the insert's values, marked Live, until a reload.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import type { RtClient, RtClientOptions } from '../../src/core/client.js';
import { ALICE, USERS, clientFor, dropConnections, insertRows, newId, newStream, updateRows, waitFor } from '../helpers/backend.js';
import { deepText } from '../elements/helpers.js';

const clients: RtClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});

async function aliceClient(options: RtClientOptions = {}): Promise<RtClient> {
  const c = await clientFor(USERS.alice, options);
  clients.push(c);
  return c;
}

const ahead = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('rows from a writer whose clock is wrong (real backend)', function () {
  this.timeout(60_000);

  for (const [label, skew] of [
    ['a minute fast', 60_000],
    ['two hours fast (local time read as UTC)', 2 * 3_600_000],
  ] as const) {
    it(`${label}: later changes and completion still show`, async () => {
      const stream = await newStream({ name: `fast clock ${skew}`, goal_status: 'in_progress', current_progress: { percentage: 5, completed: 1, total: 20 }, updated_at: ahead(skew) });
      const c = await aliceClient();
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-card')!;
      await waitFor(() => deepText(el.shadowRoot!).includes('5%') && c.getActiveSubscriptions().every((s) => s.status === 'connected'), 15_000, 'inserted row live');
      await updateRows('streams', { id: stream.id }, { current_progress: { percentage: 60, completed: 12, total: 20 } });
      await waitFor(() => deepText(el.shadowRoot!).includes('60%'), 10_000, 'the update after a future insert');
      const done = new Promise((resolve) => el.addEventListener('rt-progress-complete', resolve, { once: true }));
      await updateRows('streams', { id: stream.id }, { goal_status: 'completed', current_progress: { percentage: 100, completed: 20, total: 20 } });
      await done;
      expect(deepText(el.shadowRoot!)).to.include('Completed');
    });

    it(`${label}: a change made while the socket was down shows after the re-read`, async () => {
      const stream = await newStream({ name: `fast clock re-read ${skew}`, goal_status: 'in_progress', current_progress: { percentage: 5, completed: 1, total: 20 }, updated_at: ahead(skew) });
      const c = await aliceClient();
      const wrapper = await fixture(html`<rt-provider .client=${c}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`);
      const el = wrapper.querySelector('rt-stream-card')!;
      await waitFor(() => deepText(el.shadowRoot!).includes('5%') && c.getActiveSubscriptions().every((s) => s.status === 'connected'), 15_000, 'inserted row live');
      // The held row is still the insert's, dated in the future; the server's copy is newer.
      await Promise.all([dropConnections(), updateRows('streams', { id: stream.id }, { name: 'renamed while away', current_progress: { percentage: 80, completed: 16, total: 20 } })]);
      await waitFor(() => deepText(el.shadowRoot!).includes('renamed while away') && deepText(el.shadowRoot!).includes('80%'), 20_000, 'renamed');
    });
  }

  it('an alert inserted a minute ahead and then marked read elsewhere leaves the unread count', async () => {
    const [alert] = await insertRows('signal_alerts', [
      { id: newId(), user_id: ALICE, business_name: 'Fast Clock Co', signal_type: 'funding', priority: 'high', read: false, created_at: ahead(60_000), updated_at: ahead(60_000) },
    ]);
    const c = await aliceClient();
    const wrapper = await fixture(html`<rt-provider .client=${c}><rt-signal-alerts></rt-signal-alerts></rt-provider>`);
    const el = wrapper.querySelector('rt-signal-alerts')!;
    const unreadRow = () => el.shadowRoot!.querySelector(`[part="item"][data-unread] [part="business"]`)?.textContent ?? '';
    await waitFor(() => deepText(el.shadowRoot!).includes('Fast Clock Co') && c.getActiveSubscriptions().every((s) => s.status === 'connected'), 15_000, 'alert shown live');
    expect([...el.shadowRoot!.querySelectorAll('[part="item"][data-unread]')].some((n) => n.textContent!.includes('Fast Clock Co'))).to.equal(true);
    await updateRows('signal_alerts', { id: alert.id }, { read: true });
    await waitFor(() => ![...el.shadowRoot!.querySelectorAll('[part="item"][data-unread]')].some((n) => n.textContent!.includes('Fast Clock Co')), 10_000, `still unread: ${unreadRow()}`);
  });
});
