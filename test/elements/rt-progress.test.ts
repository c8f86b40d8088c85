import { expect, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-progress/rt-progress.js';
import type { RtProgress } from '../../src/elements/rt-progress/rt-progress.js';
import { $, ago, HOSTILE, memory, mount, settle, text } from './helpers.js';

async function progress(template: ReturnType<typeof html>) {
  return mount<RtProgress>(memory(), template, 'rt-progress');
}

describe('rt-progress', () => {
  it('a status typed by hand in another case or with spaces reads as that status (QA38)', async () => {
    const el = await progress(html`<rt-progress status=" RUNNING " percentage="10"></rt-progress>`);
    expect(text(el)).to.include('Running');
    expect(text(el)).to.not.include('Unknown');
  });

  it('shows label, percentage, counts, step and an accessible progressbar', async () => {
    const el = await progress(
      html`<rt-progress label="Acquisition Scan" percentage="42" status="running" current-step="Scoring targets" completed="21" total="50"></rt-progress>`,
    );
    const t = text(el);
    expect(t).to.include('Acquisition Scan');
    expect(t).to.include('42%');
    expect(t).to.include('21 of 50');
    expect(t).to.include('Scoring targets');
    expect(t).to.include('Running');
    const bar = $(el, '[role="progressbar"]')!;
    expect(bar.getAttribute('aria-valuenow')).to.equal('42');
    expect(bar.getAttribute('aria-valuemin')).to.equal('0');
    expect(bar.getAttribute('aria-valuemax')).to.equal('100');
    expect(bar.getAttribute('aria-label')).to.equal('Acquisition Scan');
    await expect(el).to.be.accessible();
  });

  for (const [status, label] of [
    ['pending', 'Pending'],
    ['queued', 'Queued'],
    ['running', 'Running'],
    ['in_progress', 'In progress'],
    ['paused', 'Paused'],
    ['completed', 'Completed'],
    ['failed', 'Failed'],
    ['cancelled', 'Cancelled'],
    ['exploded', 'Unknown'],
  ] as const) {
    it(`status ${status} renders a "${label}" badge with an icon`, async () => {
      const el = await progress(html`<rt-progress label="Job" percentage="60" status=${status}></rt-progress>`);
      const badge = $(el, '[part="status"]')!;
      expect(badge.textContent!.trim()).to.equal(label);
      expect(badge.querySelector('svg')).to.exist;
      await expect(el).to.be.accessible();
    });
  }

  it('is indeterminate without a percentage: no aria-valuenow', async () => {
    const el = await progress(html`<rt-progress label="Unknown amount" status="running"></rt-progress>`);
    const bar = $(el, '[role="progressbar"]')!;
    expect(bar.hasAttribute('aria-valuenow')).to.be.false;
    expect(bar.hasAttribute('data-indeterminate')).to.be.true;
    expect(bar.getAttribute('aria-valuetext')).to.match(/amount unknown/);
    await expect(el).to.be.accessible();
  });

  it('derives the percentage from completed/total', async () => {
    const el = await progress(html`<rt-progress label="Derived" completed="3" total="4"></rt-progress>`);
    expect($(el, '[role="progressbar"]')!.getAttribute('aria-valuenow')).to.equal('75');
    expect(text(el)).to.include('75%');
  });

  it('a fractional total without a completed count shows no counts: "0 of 0" (nothing to do) is a total of exactly 0 (QA34)', async () => {
    const el = await progress(html`<rt-progress label="Fraction" total="0.4"></rt-progress>`);
    expect($(el, '[part~="counts"]')?.textContent ?? null, 'no counts').to.equal(null);
    el.total = 0;
    await settle(el);
    expect($(el, '[part~="counts"]')!.textContent).to.equal('0 of 0');
    await expect(el).to.be.accessible();
  });

  it('clamps out-of-range values for drawing and says so (an "Out of range" badge naming them)', async () => {
    const el = await progress(html`<rt-progress label="Over" percentage="140" completed="-2" total="-5"></rt-progress>`);
    expect($(el, '[role="progressbar"]')!.getAttribute('aria-valuenow')).to.equal('100');
    expect(text(el)).to.include('100%');
    expect($(el, '[part~="counts"]')!.textContent).to.equal('0 of 0');
    const flag = () => $(el, '[part~="out-of-range"]');
    expect(flag()!.textContent).to.include('Out of range');
    expect(flag()!.getAttribute('title')).to.equal('140%, -2, -5');
    // A completed count that is not a number beside a negative total: no counts, not "0 of 0" (QA33).
    el.setAttribute('completed', 'abc');
    await settle(el);
    expect($(el, '[part~="counts"]')?.textContent ?? null, 'no counts').to.equal(null);
    expect(flag()!.getAttribute('title')).to.equal('140%, -5');
    // More completed than a negative total: the title names the row's figures, not "1 > 0" (QA34).
    el.setAttribute('completed', '1');
    await settle(el);
    expect(flag()!.getAttribute('title')).to.equal('140%, -5');
    el.percentage = -20;
    el.completed = 3;
    el.total = 5;
    await settle(el);
    expect($(el, '[role="progressbar"]')!.getAttribute('aria-valuenow')).to.equal('0');
    expect(flag()!.getAttribute('title')).to.equal('-20%');
    el.percentage = 60;
    await settle(el);
    expect(flag()).to.equal(null);
    el.completed = 8; // more done than there is: shown as the row says, and flagged
    await settle(el);
    expect($(el, '[part~="counts"]')!.textContent).to.equal('8 of 5');
    expect(flag()!.getAttribute('title')).to.equal('8 > 5');
    await expect(el).to.be.accessible();
    el.completed = 3;
    el.total = 0;
    el.percentage = Number.NaN;
    await settle(el);
    expect($(el, '[role="progressbar"]')!.hasAttribute('aria-valuenow')).to.be.false;
  });

  it('fires rt-progress-complete once when it reaches 100 %', async () => {
    const el = await progress(html`<rt-progress label="Upload" percentage="90"></rt-progress>`);
    let count = 0;
    el.addEventListener('rt-progress-complete', () => count++);
    const ev = oneEvent(el, 'rt-progress-complete');
    el.percentage = 100;
    const e = await ev;
    expect(e.detail.label).to.equal('Upload');
    expect(e.bubbles && e.composed).to.be.true;
    el.percentage = 100;
    el.currentStep = 'done';
    await settle(el);
    expect(count).to.equal(1);
  });

  it('announces milestones and completion, never every tick', async () => {
    const el = await progress(html`<rt-progress label="Import" percentage="10"></rt-progress>`);
    const region = $(el, '[role="status"]')!;
    expect(region.textContent!.trim()).to.equal('');
    el.percentage = 11;
    await settle(el);
    expect(region.textContent!.trim()).to.equal('');
    el.percentage = 30;
    await settle(el);
    // The quarter crossed is said with the value shown (QA48: a jump to 30 % was said as "25%").
    expect(region.textContent).to.include('30%');
    el.percentage = 31;
    await settle(el);
    expect(region.textContent, 'not said again within the quarter').to.include('30%');
    el.percentage = 100;
    // Within a second of the milestone: said at the end of the announcer's window.
    await waitUntil(() => region.textContent!.includes('Import completed'), `said: ${region.textContent}`, { timeout: 4000 });
  });

  it('keeps "updated … ago" ticking, coarsely: just now under 10 s, then 10 s steps', async () => {
    const el = await progress(html`<rt-progress label="Tick" percentage="5" last-updated=${ago(7000)}></rt-progress>`);
    expect(text(el)).to.match(/Updated just now/); // 3 s before the tick: room for a busy machine
    await waitUntil(() => /Updated 10 seconds ago/.test(text(el)), 'did not tick', { timeout: 8000 });
  });

  it('reads last-updated given as epoch ms in the attribute, as documented (QA48 F2: "Not updated yet"; "1" read as a 2001 date by the browser\'s legacy parser)', async () => {
    const updated = (el: Element) => ($(el, '[part="updated"]')?.textContent ?? '').replace(/\s+/g, ' ').trim();
    const now = await progress(html`<rt-progress label="Attr" percentage="10" last-updated=${String(Date.now())}></rt-progress>`);
    expect(updated(now)).to.equal('Updated just now');
    const spaced = await progress(html`<rt-progress label="Spaced" percentage="10" last-updated=${` ${Date.now() - 22_000} `}></rt-progress>`);
    expect(updated(spaced)).to.equal('Updated 20 seconds ago');
    // "1" is 1 ms after the epoch: its date (1970), not 1 January 2001.
    const one = await progress(html`<rt-progress label="One" percentage="10" last-updated="1"></rt-progress>`);
    expect(updated(one)).to.match(/^Updated 5\d years ago$/);
  });

  it('shows the connection status badge when given', async () => {
    const el = await progress(html`<rt-progress label="Conn" percentage="5" connection-status="connecting"></rt-progress>`);
    expect($(el, '[part="connection"]')!.textContent).to.include('Connecting');
    await expect(el).to.be.accessible();
  });

  it('a string that is not a decimal number counts as not set (not 0x10 → 16 %); a huge count wraps inside the card', async () => {
    const el = await progress(html`<rt-progress label="Spellings" style="width: 320px"></rt-progress>`);
    for (const [value, now] of [['0x10', null], ['0b101', null], ['0o17', null], ['Infinity', null], ['12abc', null], [' 12.5 ', '12'], ['1e1', '10'], ['-0.5', '0']] as const) {
      el.percentage = value as never;
      await settle(el);
      expect($(el, '[role="progressbar"]')!.getAttribute('aria-valuenow'), value).to.equal(now);
    }
    el.percentage = 1e308 as never;
    el.completed = 1e300 as never;
    el.total = 1 as never;
    await settle(el);
    const card = $(el, '[part="base"]')!.getBoundingClientRect();
    const counts = $(el, '[part~="counts"]')!.getBoundingClientRect();
    expect(counts.right, 'the count stays inside the card').to.be.at.most(card.right + 0.5);
  });

  it('renders hostile and huge labels as inert, truncated text', async () => {
    const long = 'N'.repeat(10_000);
    const el = await progress(html`<rt-progress label=${HOSTILE} percentage="5"></rt-progress>`);
    expect(text(el)).to.include(HOSTILE);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    el.label = long;
    await settle(el);
    const label = $(el, '[part="label"]')!;
    expect(label.textContent!.length).to.be.below(200);
    expect(label.textContent!.endsWith('…')).to.be.true;
    expect(label.getAttribute('title')!.length).to.be.greaterThan(1000);
  });

  it('follows the locale attribute (Intl numbers and relative time)', async () => {
    const el = await progress(html`<rt-progress locale="de" label="Lokal" percentage="42" completed="1234" total="5000" last-updated=${ago(34_000)}></rt-progress>`);
    // The German texts load on demand (dist/locales/): wait for them, not for a fixed time (a busy
    // machine's Firefox once rendered before they came).
    await waitUntil(() => text(el).includes('vor 30 Sekunden'), `never in German: ${text(el)}`, { timeout: 10_000 });
    const t = text(el);
    expect(t).to.match(/42\s%/);
    expect(t).to.include('1.234');
    expect(t).to.include('vor 30 Sekunden');
  });

  it('is themable through custom properties', async () => {
    const el = await progress(html`<rt-progress label="Theme" percentage="50" style="--rt-progress-indicator-color: rgb(255, 0, 0); --rt-progress-height: 13px"></rt-progress>`);
    const indicator = $(el, '[part="indicator"]')!;
    expect(getComputedStyle(indicator).backgroundColor).to.equal('rgb(255, 0, 0)');
    expect(getComputedStyle($(el, '[part="track"]')!).height).to.equal('13px');
  });

  it('switches to dark tokens with theme="dark"', async () => {
    const light = await progress(html`<rt-progress theme="light" label="Light" percentage="50"></rt-progress>`);
    const dark = await progress(html`<rt-progress theme="dark" label="Dark" percentage="50"></rt-progress>`);
    const bg = (el: Element) => getComputedStyle($(el, '[part="base"]')!).backgroundColor;
    expect(bg(light)).to.equal('rgb(255, 255, 255)');
    expect(bg(dark)).to.equal('rgb(15, 23, 42)');
    await expect(dark).to.be.accessible();
  });
});
