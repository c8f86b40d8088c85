/**
 * QA83 F1: "Mark all as read" over many held alerts. The unread count is re-read a second after
 * the write; when that read lands before the write's changes have arrived (a burst of 1,500
 * UPDATEs takes seconds), the held rows still count as unread while the table has none. Clamping
 * the rows not held at zero then left each change that arrived to add one back: "461 new" under a
 * green Live with no unread row, until the minute's re-read. Real backend, real supabase-js; the
 * write's changes are held at the socket (a gate) until that re-read has landed, then delivered.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import type { RtSignalAlerts } from '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import { ALICE, USERS, backendInfo, insertRows, newId, signIn, waitFor } from '../helpers/backend.js';
import { instrumentWebSocket } from '../helpers/hosts.js';
import { settle } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanups.splice(0)) f();
});

describe('Mark all as read over many held rows (real backend)', function () {
  this.timeout(90_000);

  it("the count re-read before the write's changes arrive, then the changes: no unread left, the count 0, not one per change (QA83 F1)", async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const tag = newId().slice(0, 8);
    await insertRows('signal_alerts', Array.from({ length: 40 }, (_, i) => ({ user_id: ALICE, business_name: `mark all ${tag} ${i}`, signal_type: 'intent', priority: 'low' as const })));
    // Count reads (… read=eq.false) and when each was answered.
    const counts: Array<{ sentAt: number; answeredAt: number }> = [];
    const native = window.fetch;
    window.fetch = async function (input: RequestInfo | URL, init?: RequestInit) {
      const url = input instanceof Request ? input.url : String(input);
      const sentAt = performance.now();
      const res = await native.call(this, input, init);
      // (postgrest-js's count: `select … limit=0` with `Prefer: count=exact`)
      if (url.includes('/rest/v1/signal_alerts') && url.includes('read=eq.false')) counts.push({ sentAt, answeredAt: performance.now() });
      return res;
    };
    cleanups.push(() => (window.fetch = native));
    const ws = instrumentWebSocket();
    cleanups.push(() => ws.restore());
    const wrapper = await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}>
      <rt-signal-alerts max-items="100"></rt-signal-alerts>
    </rt-provider>`);
    const el = wrapper.querySelector<RtSignalAlerts>('rt-signal-alerts')!;
    const live = () => el.matches(':state(live)');
    await waitFor(() => live() && el.unreadCount >= 40, 20_000, () => `live with the unread alerts (${el.unreadCount})`);
    // The write's changes are held at the socket until the count read after it has landed.
    ws.closeGate((data) => data.includes('postgres_changes') && data.includes('signal_alerts') && data.includes('"UPDATE"'));
    const clickedAt = performance.now();
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="mark-all"]')!.click();
    await waitFor(() => counts.some((c) => c.sentAt > clickedAt + 500), 15_000, 'the count read again after the write');
    await waitFor(() => ws.gatedCount() >= 40, 15_000, () => `the write's changes at the socket (${ws.gatedCount()})`);
    expect(ws.openGate()).to.be.at.least(40);
    await waitFor(() => live() && !el.shadowRoot!.querySelector('[data-unread]:not([data-unread="false"])'), 15_000, 'Live, no alert unread');
    await settle(el);
    expect(el.unreadCount, 'the unread count once every change is in').to.equal(0);
    expect(el.shadowRoot!.querySelector('[part~="unread-badge"]'), 'no "N new" badge').to.equal(null);
  });
});
