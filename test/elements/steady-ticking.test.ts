/**
 * A ticking text ("Updated just now" → "Updated 10 seconds ago", "Elapsed: 9 s" → "10 s") keeps its
 * box's size, so the widget does not grow or shrink a line with the clock and the page around it
 * does not shift on a tick (issue 10: idle ticking re-wrapped the 311 px cards' meta line, the grid
 * moved, cards crossed the visibility margin and every tick cost a second frame of style and
 * layout). One case per place a text ticks; each waits for the real tick (no fake clock).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-progress/rt-progress.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-scan-progress/rt-scan-progress.js';
import { $, ago, memory, mount, settle, text, waitForText } from './helpers.js';

/** Width and height of `box`, and the element's height, in CSS px. */
function sizes(el: Element, box: Element) {
  const r = box.getBoundingClientRect();
  return { boxWidth: Math.round(r.width), boxHeight: Math.round(r.height), height: Math.round(el.getBoundingClientRect().height) };
}

/** Waits until `box`'s text no longer matches `before`, then checks nothing moved. */
async function expectSteadyAcrossTick(el: Element, box: HTMLElement, before: RegExp, after: RegExp) {
  expect(box.textContent).to.match(before);
  const was = sizes(el, box);
  await waitUntil(() => after.test(box.textContent ?? ''), `did not tick: "${box.textContent}"`, { timeout: 10_000 });
  expect(sizes(el, box)).to.deep.equal(was);
}

/**
 * How old the ticking time is when mounted (ms): the text changes at 10 s, so mounting and settling
 * have 3 s before it on a busy machine (with 0.8 s, the shorter text was sometimes gone already).
 */
const TICK_IN = 7000;

// Narrow enough that the longer text wraps its line when nothing reserves room for it.
const narrow = (inner: unknown) => html`<div style="width: 300px">${inner}</div>`;

describe('steady ticking texts', () => {
  it('rt-progress: "Updated just now" → "Updated 10 seconds ago" keeps the meta line and the height', async () => {
    const wrap = await fixture<HTMLElement>(
      narrow(html`<rt-progress label="Steady" percentage="5" completed="1" total="20" last-updated=${ago(TICK_IN)}></rt-progress>`),
    );
    const el = wrap.querySelector('rt-progress')!;
    await settle(el);
    await expectSteadyAcrossTick(el, $(el, '[part="updated"]')!, /Updated just now/, /Updated 10 seconds ago/);
    // The reserved text is not content: not in the text, not announced.
    expect(text(el).match(/seconds ago|minutes ago|hours ago/g)).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('rt-stream-card: the running-agents and "Updated …" line does not re-wrap on a tick', async () => {
    const client = memory();
    client.setRows('streams', [{ id: 's1', name: 'Steady stream', goal_status: 'in_progress', current_progress: { percentage: 30, completed: 3, total: 10 }, updated_at: ago(TICK_IN) }]);
    client.setRows('agent_executions', []);
    const el = await mount<HTMLElement>(client, narrow(html`<rt-stream-card stream-id="s1"></rt-stream-card>`), 'rt-stream-card');
    await waitForText(el, 'Steady stream');
    await expectSteadyAcrossTick(el, $(el, '[part="updated"]')!, /Updated just now/, /Updated 10 seconds ago/);
  });

  for (const [tag, table, row] of [
    ['rt-notifications', 'notifications', { type: 'info', title: 'Steady note', body: 'b', read: false, link: '/x' }],
    ['rt-signal-alerts', 'signal_alerts', { business_name: 'Steady Co', signal_type: 'funding_round', priority: 'high', read: false }],
  ] as const) {
    it(`${tag}: a row's time keeps its box (the row keeps its height)`, async () => {
      const client = memory();
      client.setRows(table, [{ id: 'n1', user_id: client.userId!, created_at: ago(TICK_IN), ...row }]);
      const el = await mount<HTMLElement>(client, narrow(html`${tag === 'rt-notifications' ? html`<rt-notifications></rt-notifications>` : html`<rt-signal-alerts></rt-signal-alerts>`}`), tag);
      await waitForText(el, /Steady/);
      await expectSteadyAcrossTick(el, $(el, 'time')!, /just now/, /10 seconds ago/);
    });
  }

  it('rt-agent-executions: "Started: …" and "Elapsed: 9 s" → "10 s" keep their boxes', async () => {
    const client = memory();
    client.setRows('agent_executions', [{ id: 'r1', stream_id: 's1', agent_id: 'steady', status: 'running', started_at: ago(TICK_IN) }]);
    const el = await mount<HTMLElement>(client, narrow(html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`), 'rt-agent-executions');
    await waitForText(el, 'steady');
    const [startedBox, elapsedBox] = Array.from(el.shadowRoot!.querySelectorAll<HTMLElement>('.times > span'));
    const elapsedWas = sizes(el, elapsedBox);
    await expectSteadyAcrossTick(el, startedBox, /Started: just now/, /Started: 10 seconds ago/);
    // The two texts reach 10 s on their own ticks (a CI run read "Elapsed: 9 sec" beside "10 seconds ago").
    await waitUntil(() => /1\d\s?s/.test(elapsedBox.textContent ?? ''), `elapsed did not tick: "${elapsedBox.textContent}"`, { timeout: 5000 });
    expect(sizes(el, elapsedBox)).to.deep.equal(elapsedWas);
  });

  it('rt-scan-progress: a running duration "9 s" → "10 s" keeps its box', async () => {
    const client = memory();
    client.setRows('acquisition_scans', [{ id: 'sc1', user_id: client.userId!, name: 'Steady scan', status: 'running', progress_percentage: 10, targets_identified: 10, targets_analyzed: 1, started_at: ago(TICK_IN) }]);
    const el = await mount<HTMLElement>(client, narrow(html`<rt-scan-progress scan-id="sc1"></rt-scan-progress>`), 'rt-scan-progress');
    await waitForText(el, 'Steady scan');
    await expectSteadyAcrossTick(el, $(el, '[part="duration"]')!, /: [5-9]\s?s/, /: 1\d\s?s/);
  });
});
