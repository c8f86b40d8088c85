/**
 * One announcement per milestone per page: a stream shown by three widgets (rt-stream-progress,
 * rt-stream-card and the dashboard's card) is spoken once per milestone, not three times.
 * `rt-progress-complete` stays per element (each widget reports its own observation).
 */
import { expect, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import { ANNOUNCE_DEDUPE_MS, claimAnnouncement, resetAnnouncements } from '../../src/internal/announcements.js';
import { ago, deepText, memory, mount, ORG, settle } from './helpers.js';

/** Every live region on the page, through shadow roots. */
function liveRegions(root: Node = document.body): Element[] {
  const found: Element[] = [];
  const walk = (n: Node) => {
    if (n instanceof Element) {
      if (n.matches('[aria-live], [role="status"], [role="alert"]')) found.push(n);
      if (n.shadowRoot) walk(n.shadowRoot);
    }
    for (const c of Array.from(n.childNodes)) walk(c);
  };
  walk(root);
  return found;
}

const speaking = (needle: string) => liveRegions().filter((r) => (r.textContent ?? '').includes(needle));

async function threeWidgets() {
  const client = memory();
  client.setRows('streams', [
    { id: 'm1', org_id: ORG, name: 'Milestone stream', goal_status: 'in_progress', current_progress: { percentage: 40, completed: 4, total: 10 }, created_at: ago(5000) },
  ]);
  const wrapper = await mount<HTMLElement>(
    client,
    html`<div>
      <rt-stream-progress stream-id="m1"></rt-stream-progress>
      <rt-stream-card stream-id="m1"></rt-stream-card>
      <rt-monitoring-dashboard hide-scans hide-alerts hide-notifications hide-agents></rt-monitoring-dashboard>
    </div>`,
    'div',
  );
  const progress = wrapper.querySelector('rt-stream-progress')!;
  const card = wrapper.querySelector('rt-stream-card')!;
  const dashboard = wrapper.querySelector('rt-monitoring-dashboard')!;
  const shows = (needle: string) => () =>
    deepText(progress.shadowRoot!).includes(needle) && deepText(card.shadowRoot!).includes(needle) && deepText(dashboard.shadowRoot!).includes(needle);
  await waitUntil(shows('40%'), 'the three widgets never showed the stream', { timeout: 5000 });
  expect(dashboard.shadowRoot!.querySelectorAll('rt-stream-card').length).to.equal(1);
  return { client, progress, card, dashboard, shows };
}

describe('announcements: one per milestone per page', () => {
  beforeEach(() => resetAnnouncements());

  it('three widgets for one stream: progress past 50 % is announced by exactly one live region', async () => {
    const { client, shows, progress, card, dashboard } = await threeWidgets();
    client.update('streams', { id: 'm1', current_progress: { percentage: 60, completed: 6, total: 10 } });
    await waitUntil(shows('60%'), 'the widgets never showed 60%', { timeout: 5000 });
    for (const el of [progress, card, dashboard]) await settle(el);
    // The 50 % quarter crossed, said with the value shown.
    await waitUntil(() => speaking('60%').length > 0, 'nobody announced 60%', { timeout: 5000 });
    const regions = speaking('60%');
    expect(regions.length, regions.map((r) => r.textContent).join(' | ')).to.equal(1);
    expect(regions[0]!.textContent).to.include('Milestone stream');

    // Completion, too: once.
    const completes: Event[] = [];
    document.addEventListener('rt-progress-complete', (e) => completes.push(e));
    client.update('streams', { id: 'm1', goal_status: 'completed', current_progress: { percentage: 100, completed: 10, total: 10 } });
    await waitUntil(shows('Completed'), 'the widgets never showed Completed', { timeout: 5000 });
    for (const el of [progress, card, dashboard]) await settle(el);
    const speakingDone = () => liveRegions().filter((r) => /Milestone stream/.test(r.textContent ?? '') && /complete/i.test(r.textContent ?? ''));
    // Within a second of the 50 % announcement: said at the end of the announcer's window.
    await waitUntil(() => speakingDone().length > 0, 'nobody announced the completion', { timeout: 5000 });
    const done = speakingDone();
    expect(done.length, done.map((r) => r.textContent).join(' | ')).to.equal(1);
    // …while every widget still fires its own rt-progress-complete (a listener on one widget hears it).
    expect(completes.length).to.equal(3);
  });

  it('what was said goes when the progress is undone or the stream renamed: no "80 %" (the 75 % quarter) left in a live region at 10 % (QA24 L5)', async () => {
    const { client, shows, progress, card, dashboard } = await threeWidgets();
    client.update('streams', { id: 'm1', current_progress: { percentage: 80, completed: 8, total: 10 } });
    await waitUntil(shows('80%'), 'the widgets never showed 80%', { timeout: 5000 });
    await waitUntil(() => speaking('80%').length > 0, 'nobody announced 80%', { timeout: 5000 });
    client.update('streams', { id: 'm1', name: 'Reset stream', current_progress: { percentage: 10, completed: 1, total: 10 } });
    await waitUntil(shows('10%'), 'the widgets never showed 10%', { timeout: 5000 });
    for (const el of [progress, card, dashboard]) await settle(el);
    expect(speaking('80%').map((r) => r.textContent)).to.deep.equal([]);
    expect(speaking('Milestone stream').map((r) => r.textContent)).to.deep.equal([]);
  });

  it('the page-wide registry: first claim wins, other kinds/ids/milestones are separate, a later run is announced again', () => {
    const t = 1_000_000;
    expect(claimAnnouncement('stream\u0000a\u000050', t)).to.equal(true);
    expect(claimAnnouncement('stream\u0000a\u000050', t + 10)).to.equal(false);
    expect(claimAnnouncement('stream\u0000a\u000075', t + 10)).to.equal(true);
    expect(claimAnnouncement('stream\u0000b\u000050', t + 10)).to.equal(true);
    expect(claimAnnouncement('scan\u0000a\u000050', t + 10)).to.equal(true);
    expect(claimAnnouncement('stream\u0000a\u000050', t + ANNOUNCE_DEDUPE_MS)).to.equal(true);
  });
});
