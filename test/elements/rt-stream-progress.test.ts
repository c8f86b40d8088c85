import { expect, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import type { RtStreamProgress } from '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import { $, HOSTILE, memory, mount, settle, text, waitForText } from './helpers.js';

function seeded() {
  const client = memory();
  client.setRows('streams', [
    { id: 's1', name: 'Onboarding', goal_status: 'in_progress', current_progress: { percentage: 40, completed: 4, total: 10 } },
  ]);
  return client;
}

describe('rt-stream-progress', () => {
  it('live: name, goal status, percentage, counts, Live badge', async () => {
    const el = await mount<RtStreamProgress>(seeded(), html`<rt-stream-progress stream-id="s1"></rt-stream-progress>`, 'rt-stream-progress');
    await waitForText(el, 'Onboarding');
    const t = text(el);
    expect(t).to.include('In progress');
    expect(t).to.include('40%');
    expect(t).to.include('4 of 10');
    expect(t).to.include('Live');
    expect(t).to.match(/Updated (just now|\d+ seconds? ago)/);
    expect($(el, '[role="progressbar"]')!.getAttribute('aria-valuenow')).to.equal('40');
    await expect(el).to.be.accessible();
  });

  it('loading: a skeleton, never a blank box', async () => {
    const client = seeded();
    client.hold('streams');
    const el = await mount<RtStreamProgress>(client, html`<rt-stream-progress stream-id="s1"></rt-stream-progress>`, 'rt-stream-progress');
    expect($(el, '[part="loading"]')).to.exist;
    expect(text(el)).to.include('Loading');
    await expect(el).to.be.accessible();
    client.release('streams');
    await waitForText(el, 'Onboarding');
  });

  it('updates on UPDATE and fires rt-progress-complete on completion', async () => {
    const client = seeded();
    const el = await mount<RtStreamProgress>(client, html`<rt-stream-progress stream-id="s1"></rt-stream-progress>`, 'rt-stream-progress');
    await waitForText(el, '40%');
    client.update('streams', { id: 's1', current_progress: { percentage: 70, completed: 7, total: 10 } });
    await waitForText(el, '70%');
    expect($(el, '[role="status"]')!.textContent).to.include('Onboarding: 70%');
    const ev = oneEvent(el, 'rt-progress-complete');
    client.update('streams', { id: 's1', goal_status: 'completed', current_progress: { percentage: 100, completed: 10, total: 10 } });
    const e = await ev;
    expect(e.detail.kind).to.equal('stream');
    expect(e.detail.id).to.equal('s1');
    await waitForText(el, 'Completed');
    // Within a second of the milestone: said at the end of the announcer's window.
    await waitUntil(() => $(el, '[role="status"]')!.textContent!.includes('Onboarding completed'), 'completion announced', { timeout: 4000 });
  });

  it("switching stream-id clears the live region: the old stream's words do not linger", async () => {
    const client = seeded();
    client.setRows('streams', [
      { id: 'sw1', name: 'Switch first', goal_status: 'in_progress', current_progress: { percentage: 40, completed: 4, total: 10 } },
      { id: 'sw2', name: 'Second', goal_status: 'in_progress', current_progress: { percentage: 10, completed: 1, total: 10 } },
    ]);
    const el = await mount<RtStreamProgress>(client, html`<rt-stream-progress stream-id="sw1"></rt-stream-progress>`, 'rt-stream-progress');
    await waitForText(el, '40%');
    client.update('streams', { id: 'sw1', current_progress: { percentage: 70, completed: 7, total: 10 } });
    await waitUntil(() => $(el, '[role="status"]')!.textContent!.includes('70%'), 'milestone announced');
    el.streamId = 'sw2';
    await waitForText(el, 'Second');
    expect($(el, '[role="status"]')!.textContent!.trim()).to.equal('');
  });

  it('stale: keeps the last data and says so', async () => {
    const client = seeded();
    const el = await mount<RtStreamProgress>(client, html`<rt-stream-progress stream-id="s1"></rt-stream-progress>`, 'rt-stream-progress');
    await waitForText(el, 'Live');
    client.setConnection({ status: 'disconnected' });
    await waitForText(el, 'Stale');
    expect(text(el)).to.include('Onboarding');
    // One status, in place of "Live" (no extra note line that moves the layout); the hint is its description.
    const badges = el.shadowRoot!.querySelectorAll('[part~="live-badge"]');
    expect(badges.length).to.equal(1);
    expect(badges[0].textContent).to.include('Stale').and.include('Showing last known data');
    expect($(el, '[part="stale"]')).to.not.exist;
    expect(el.matches(':state(stale)')).to.be.true;
    await expect(el).to.be.accessible();
  });

  it('error: an alert with a readable message, and rt-error', async () => {
    const client = seeded();
    client.fail('streams', { code: 'server', message: 'boom' });
    const wrapperReady = mount<RtStreamProgress>(client, html`<rt-stream-progress stream-id="s1"></rt-stream-progress>`, 'rt-stream-progress');
    const el = await wrapperReady;
    await waitForText(el, 'Could not load live data');
    expect($(el, '[role="alert"]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('fires rt-error when loading fails', async () => {
    const client = seeded();
    client.fail('streams', { code: 'network', message: 'offline' });
    const errors: string[] = [];
    document.addEventListener('rt-error', (e) => errors.push(e.detail.error.code), { once: true });
    const el = await mount<RtStreamProgress>(client, html`<rt-stream-progress stream-id="s1"></rt-stream-progress>`, 'rt-stream-progress');
    await waitForText(el, 'cannot be reached');
    expect(errors).to.deep.equal(['network']);
  });

  it('not found or no access', async () => {
    const el = await mount<RtStreamProgress>(seeded(), html`<rt-stream-progress stream-id="nope"></rt-stream-progress>`, 'rt-stream-progress');
    await waitForText(el, 'Not found or no access');
    await expect(el).to.be.accessible();
  });

  it('goes to "not found" when the row is deleted', async () => {
    const client = seeded();
    const el = await mount<RtStreamProgress>(client, html`<rt-stream-progress stream-id="s1"></rt-stream-progress>`, 'rt-stream-progress');
    await waitForText(el, 'Onboarding');
    client.remove('streams', 's1');
    await waitForText(el, 'Not found or no access');
  });

  it('empty: no stream-id', async () => {
    const el = await mount<RtStreamProgress>(seeded(), html`<rt-stream-progress></rt-stream-progress>`, 'rt-stream-progress');
    expect(text(el)).to.include('No stream selected');
    await expect(el).to.be.accessible();
    // Blank reads as empty, as user-id does (QA38: "   " read "Not live … configuration is invalid").
    const errors: string[] = [];
    const onError = (e: Event) => errors.push((e as CustomEvent<{ error: { message: string } }>).detail.error.message);
    document.addEventListener('rt-error', onError);
    try {
      for (const blank of ['', '   ']) {
        const b = await mount<RtStreamProgress>(seeded(), html`<rt-stream-progress stream-id=${blank}></rt-stream-progress>`, 'rt-stream-progress');
        await b.updateComplete;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        expect(text(b), JSON.stringify(blank)).to.include('No stream selected');
      }
      expect(errors, 'no rt-error for an id not given (QA39: "No stream id given." for a blank one)').to.deep.equal([]);
    } finally {
      document.removeEventListener('rt-error', onError);
    }
  });

  it('an id set as a number property is that id, never an exception (CI13: ".streamId=${42}" threw in a trim)', async () => {
    const client = seeded();
    client.setRows('streams', [{ id: '42', org_id: 'o1', name: 'Numbered', goal_status: 'in_progress', current_progress: { percentage: 42, completed: 42, total: 100 } } as never]);
    const el = await mount<RtStreamProgress>(client, html`<rt-stream-progress .streamId=${42 as unknown as string}></rt-stream-progress>`, 'rt-stream-progress');
    await waitForText(el, 'Numbered');
    expect(text(el)).to.not.include('No stream selected');
  });

  it('renders hostile, out-of-range and unknown values sanely', async () => {
    const client = memory();
    client.setRows('streams', [
      { id: 'h', name: HOSTILE, goal_status: 'weird' as never, current_progress: { percentage: 140, completed: -3, total: -10 } },
    ]);
    const el = await mount<RtStreamProgress>(client, html`<rt-stream-progress stream-id="h"></rt-stream-progress>`, 'rt-stream-progress');
    await waitForText(el, HOSTILE);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect(text(el)).to.include('Unknown');
    expect(text(el)).to.include('100%');
    expect($(el, '[role="progressbar"]')!.getAttribute('aria-valuenow')).to.equal('100');
    client.update('streams', { id: 'h', name: 'x'.repeat(10_000), current_progress: null as never });
    await waitForText(el, '…');
    const label = $(el, '[part="label"]')!;
    expect(label.textContent!.length).to.be.below(200);
    expect(label.title.length).to.be.greaterThan(1000);
    await settle(el);
    await expect(el).to.be.accessible();
  });
});
