/**
 * QA62 F1: a list that churns for hours kept one comment node per row it ever removed (lit-html
 * 3.3.1–3.3.3 `removePart()` leaves each removed row's end marker: lit/lit#5298), in the list's own
 * DOM: 9,346 nodes after 7,454 alerts through `<rt-signal-alerts max-items="20">`. Every keyed list
 * goes through src/internal/repeat.ts, which takes them out and keeps `repeat()`'s keyed identity.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { render } from 'lit';
import { repeat } from '../../src/internal/repeat.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import { ALICE, memory, mount, settle } from './helpers.js';

/** Comment nodes under `root`, at any depth (shadow roots not entered). */
function comments(root: Node): number {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
  let n = 0;
  while (walker.nextNode()) n++;
  return n;
}

describe('keyed lists under churn keep no markers of removed rows (QA62 F1)', () => {
  it('a window of 20 rows, 300 updates (one in at the top, one out at the bottom; reversed; emptied; refilled): comments stay bounded, rows keep their nodes', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const draw = (ids: number[]) => render(html`<ul>${repeat(ids, (id) => id, (id) => html`<li data-id=${id}>${id}</li>`)}</ul>`, host);
    let ids = Array.from({ length: 20 }, (_, i) => 20 - i);
    draw(ids);
    const ul = host.querySelector('ul')!;
    const bound = comments(ul) + 2; // 20 rows' markers and the list's own, plus slack
    for (let next = 21; next <= 320; next++) {
      const kept = ul.querySelector(`li[data-id="${ids[0]}"]`);
      ids = [next, ...ids.slice(0, 19)];
      if (next % 50 === 0) ids = [...ids].reverse();
      if (next % 75 === 0) draw([]);
      draw(ids);
      expect([...ul.querySelectorAll('li')].map((li) => Number(li.dataset.id))).to.deep.equal(ids);
      // Keyed: a row still shown is the same node (focus, selection and transitions stay with it).
      if (next % 75 !== 0) expect(ul.querySelector(`li[data-id="${ids.includes(next - 1) ? next - 1 : ids[1]}"]`)?.isConnected).to.equal(true);
      if (kept && next % 75 !== 0 && ids.includes(Number(kept.getAttribute('data-id')))) expect(ul.querySelector(`li[data-id="${kept.getAttribute('data-id')}"]`)).to.equal(kept);
      expect(comments(ul), `after update ${next - 20}`).to.be.at.most(bound);
    }
  });

  it('<rt-signal-alerts max-items="5">: 60 alerts through it leave its shadow DOM the size it had with 5', async () => {
    const client = memory();
    const el = await mount<HTMLElement>(client, html`<rt-signal-alerts user-id=${ALICE} max-items="5"></rt-signal-alerts>`, 'rt-signal-alerts');
    const at = (i: number) => new Date(Date.now() - 600_000 + i * 1000).toISOString();
    const insert = (i: number) => client.insert('signal_alerts', { id: `m${i}`, user_id: ALICE, business_name: `Churn ${i}`, signal_type: 'x', priority: 'low', read: false, created_at: at(i) });
    for (let i = 1; i <= 5; i++) insert(i);
    await waitUntil(() => el.shadowRoot!.textContent!.includes('Churn 5'), 'five rows');
    await settle(el);
    const nodes = () => document.createTreeWalker(el.shadowRoot!, NodeFilter.SHOW_ALL);
    const count = () => {
      const w = nodes();
      let n = 0;
      while (w.nextNode()) n++;
      return n;
    };
    const full = count();
    for (let i = 6; i <= 60; i++) {
      insert(i);
      await waitUntil(() => el.shadowRoot!.textContent!.includes(`Churn ${i}`), `alert ${i}`);
      await settle(el);
    }
    // The same five rows' worth of nodes (±8 for texts that differ: "60 new" against "5 new").
    expect(count()).to.be.within(full - 8, full + 8);
  });
});
