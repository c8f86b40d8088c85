/**
 * What the progress widgets show for awkward row values (QA round 7): figures never rounded up to
 * a value the work has not reached, non-numbers treated as not set, a missing status shown as
 * "Unknown", and long text cut between characters, never inside one.
 */
import { expect, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-progress/rt-progress.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-scan-progress/rt-scan-progress.js';
import type { RtProgress } from '../../src/elements/rt-progress/rt-progress.js';
import type { RtStreamProgress } from '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import type { RtStreamCard } from '../../src/elements/rt-stream-card/rt-stream-card.js';
import type { RtScanProgress } from '../../src/elements/rt-scan-progress/rt-scan-progress.js';
import type { MemoryClient } from '../helpers/memory-client.js';
import { $, memory, mount, text, waitForText } from './helpers.js';

function streams(...rows: Array<Record<string, unknown>>): MemoryClient {
  const client = memory();
  client.setRows('streams', rows.map((r) => ({ id: 's1', name: 'Onboarding', goal_status: 'in_progress', ...r })) as never);
  return client;
}

async function streamProgress(row: Record<string, unknown>): Promise<RtStreamProgress> {
  const el = await mount<RtStreamProgress>(streams(row), html`<rt-stream-progress stream-id="s1"></rt-stream-progress>`, 'rt-stream-progress');
  await waitUntil(() => $(el, '[part="value"]'), 'the stream never showed');
  return el;
}

async function scanProgress(row: Record<string, unknown>): Promise<RtScanProgress> {
  const client = memory();
  client.setRows('acquisition_scans', [
    { id: 'sc1', user_id: client.userId!, name: 'Midwest HVAC', status: 'running', progress_percentage: 40, targets_identified: 10, targets_analyzed: 4, ...row },
  ] as never);
  const el = await mount<RtScanProgress>(client, html`<rt-scan-progress scan-id="sc1"></rt-scan-progress>`, 'rt-scan-progress');
  await waitForText(el, 'Midwest HVAC');
  return el;
}

const value = (el: Element) => $(el, '[part="value"]')!.textContent!.trim();
const counts = (el: Element) => $(el, '[part~="counts"]')?.textContent?.trim() ?? null;
const bar = (el: Element) => $(el, '[role="progressbar"]')!;
const statusBadge = (el: Element) => $(el, '[part="status"]');

/** A lone (unpaired) surrogate: half of a character, drawn as "�". */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('progress figures: never rounded up to what the work has not reached', () => {
  it('a stream at 99.9999 %, 2.5 of 3 done, in progress: "99%" and "2 of 3", the bar at the exact value', async () => {
    const el = await streamProgress({ current_progress: { percentage: 99.9999, completed: 2.5, total: 3 } });
    expect(text(el)).to.include('In progress');
    expect(value(el)).to.equal('99%');
    expect(counts(el)).to.equal('2 of 3');
    expect(bar(el).getAttribute('aria-valuenow')).to.equal('99');
    expect(bar(el).getAttribute('aria-valuetext')).to.match(/^99% complete/);
    expect($(el, '[part="indicator"]')!.style.getPropertyValue('--_pct')).to.equal('99.9999%');
    await expect(el).to.be.accessible();
  });

  it('a running scan at 99.99 % shows "99%"', async () => {
    const el = await scanProgress({ progress_percentage: 99.99, targets_identified: 3, targets_analyzed: 2.5 });
    expect(text(el)).to.include('Running');
    expect(value(el)).to.equal('99%');
    expect(text(el)).to.include('2 of 3 targets analysed');
    expect(bar(el).getAttribute('aria-valuenow')).to.equal('99');
  });

  it('whole values read as they are: 100 % is "100%", 57 of 100 derived is "57%" (no floating-point loss)', async () => {
    const done = await mount<RtProgress>(memory(), html`<rt-progress label="x" percentage="100" status="completed"></rt-progress>`, 'rt-progress');
    expect(value(done)).to.equal('100%');
    // 57 / 100 * 100 is 56.99999999999999 in floating point: floored naively, that would read 56%.
    const derived = await mount<RtProgress>(memory(), html`<rt-progress label="x" completed="57" total="100"></rt-progress>`, 'rt-progress');
    expect(value(derived)).to.equal('57%');
    expect(bar(derived).getAttribute('aria-valuenow')).to.equal('57');
    const fraction = await mount<RtProgress>(memory(), html`<rt-progress label="x" percentage="42.7"></rt-progress>`, 'rt-progress');
    expect(value(fraction)).to.equal('42%');
  });
});

describe('progress figures: a number too large for a double is out of range, not "not set" (QA14 F4)', () => {
  // A jsonb field of 400 digits reaches the page as Infinity (JSON.parse); a numeric as text stays text.
  for (const [what, big] of [['a JSON number (Infinity once parsed)', JSON.parse('9'.repeat(400)) as number], ['a numeric as text', '9'.repeat(400)]] as const) {
    it(`counts of 400 digits, ${what}: an "Out of range" badge naming them`, async () => {
      const el = await streamProgress({ current_progress: { percentage: 50, completed: big, total: big } });
      const flag = $(el, '[part~="out-of-range"]');
      expect(flag, 'an Out of range badge').to.not.equal(null);
      expect(flag!.getAttribute('title')).to.match(/^(Infinity|9{12}…), (Infinity|9{12}…)$/);
      expect(value(el)).to.equal('50%');
      await expect(el).to.be.accessible();
    });
  }

  it('a percentage of 400 digits is named as one, cut with "…" (QA40: "100000000000")', async () => {
    const el = await streamProgress({ current_progress: { percentage: `1${'0'.repeat(399)}` } });
    expect($(el, '[part~="out-of-range"]')!.getAttribute('title')).to.equal('100000000000…%');
  });

  // Drawn as 150 % is: the figure, the bar and the badge tell one story (QA88a F6: "—", a bar with a dot, and "1e309%").
  for (const [percentage, shown] of [['1e309', '100%'], ['-1e309', '0%'], [JSON.parse('9'.repeat(400)) as number, '100%']] as const) {
    it(`a percentage of ${String(percentage).slice(0, 12)} reads ${shown}, clamped, beside its "Out of range" badge`, async () => {
      const el = await streamProgress({ current_progress: { percentage } });
      expect(value(el)).to.equal(shown);
      expect($(el, '[part~="out-of-range"]'), 'an Out of range badge').to.not.equal(null);
      expect($(el, '[role="progressbar"]')!.getAttribute('aria-valuenow')).to.equal(shown === '100%' ? '100' : '0');
    });
  }
});

describe('progress figures: a value that is not a number counts as not set', () => {
  for (const [what, percentage] of [
    ['true', true],
    ['false', false],
    ['[42]', [42]],
    ['{}', {}],
    ['" "', ' '],
  ] as const) {
    it(`percentage ${what} (from a JSON column) is unknown: an indeterminate bar, "—", not a number`, async () => {
      const el = await streamProgress({ current_progress: { percentage } });
      expect(value(el)).to.equal('—');
      expect(bar(el).hasAttribute('aria-valuenow')).to.equal(false);
      expect(bar(el).hasAttribute('data-indeterminate')).to.equal(true);
    });
  }

  for (const status of ['failed', 'paused', 'pending', 'cancelled', 'mystery']) {
    it(`an unknown amount on work that is not under way (${status}) is an empty, still bar: "Amount unknown", not "In progress"`, async () => {
      const el = await streamProgress({ goal_status: status, current_progress: {} });
      expect(value(el)).to.equal('—');
      expect(bar(el).hasAttribute('data-indeterminate'), 'no moving bar').to.equal(false);
      expect(bar(el).hasAttribute('aria-valuenow')).to.equal(false);
      expect(bar(el).getAttribute('aria-valuetext')).to.equal('Amount unknown');
    });
  }

  it('the bar of work not under way names its status and an out-of-range reading, as the badges do (QA20: a failed stream read "100% complete" to a screen reader)', async () => {
    const failed = await streamProgress({ goal_status: 'failed', current_progress: { percentage: 1e21, completed: 0, total: 2 } });
    expect(bar(failed).getAttribute('aria-valuetext')).to.match(/^100% complete, .*Failed, Out of range$/);
    const running = await streamProgress({ goal_status: 'in_progress', current_progress: { percentage: 40, completed: 4, total: 10 } });
    expect(bar(running).getAttribute('aria-valuetext')).to.equal('40% complete, 4 of 10');
  });

  it('a row without a status (NULL) reads "Unknown" to a screen reader too, as its badge does: not "In progress" (QA40)', async () => {
    const stream = await streamProgress({ goal_status: null, current_progress: {} });
    expect(statusBadge(stream)!.textContent).to.include('Unknown');
    expect(bar(stream).hasAttribute('data-indeterminate'), 'no moving bar').to.equal(false);
    expect(bar(stream).getAttribute('aria-valuetext')).to.equal('Amount unknown');
    const scan = await scanProgress({ status: null, progress_percentage: null, targets_identified: null, targets_analyzed: null });
    expect(bar(scan).getAttribute('aria-valuetext')).to.equal('Amount unknown');
    const counted = await streamProgress({ goal_status: null, current_progress: { percentage: 40, completed: 4, total: 10 } });
    expect(bar(counted).getAttribute('aria-valuetext')).to.equal('40% complete, 4 of 10, Unknown');
  });

  it('an unknown amount on running work stays the moving "In progress, amount unknown" bar', async () => {
    const el = await streamProgress({ goal_status: 'in_progress', current_progress: {} });
    expect(bar(el).hasAttribute('data-indeterminate')).to.equal(true);
    expect(bar(el).getAttribute('aria-valuetext')).to.equal('In progress, amount unknown');
  });

  for (const [what, name] of [['zero-width spaces', '\u200B\u200B'], ['a word joiner and spaces', ' \u2060 '], ['a BOM', '\uFEFF'], ['Hangul fillers', '\u3164\uFFA0'], ['a variation selector and a grapheme joiner', '\uFE0F\u034F'], ['a blank braille pattern', '\u2800']]) {
    it(`a name made only of ${what} shows the fallback label, not a blank title`, async () => {
      const el = await streamProgress({ name, current_progress: { percentage: 10 } });
      expect($(el, '[part="label"]')!.textContent!.trim()).to.equal('Stream');
    });
  }

  it('a boolean percentage next to counts: the percentage comes from the counts', async () => {
    const el = await streamProgress({ current_progress: { percentage: true, completed: 1, total: 4 } });
    expect(value(el)).to.equal('25%');
    expect(counts(el)).to.equal('1 of 4');
  });

  it('boolean counts are not counts', async () => {
    const el = await streamProgress({ current_progress: { completed: true, total: true } });
    expect(counts(el)).to.equal(null);
    expect(value(el)).to.equal('—');
  });
});

describe('progress status: a missing (NULL) status reads "Unknown", like an unknown one', () => {
  it('a stream with goal_status NULL (rt-stream-progress and rt-stream-card)', async () => {
    const el = await streamProgress({ goal_status: null, current_progress: { percentage: 50, completed: 5, total: 10 } });
    expect(statusBadge(el)?.textContent?.trim()).to.equal('Unknown');
    expect(statusBadge(el)!.querySelector('svg')).to.exist;
    await expect(el).to.be.accessible();
    const card = await mount<RtStreamCard>(
      streams({ goal_status: null, current_progress: { percentage: 50 } }),
      html`<rt-stream-card stream-id="s1"></rt-stream-card>`,
      'rt-stream-card',
    );
    await waitForText(card, 'Onboarding');
    expect(statusBadge(card)?.textContent?.trim()).to.equal('Unknown');
  });

  it('a scan with status NULL', async () => {
    const el = await scanProgress({ status: null });
    expect(statusBadge(el)?.textContent?.trim()).to.equal('Unknown');
    await expect(el).to.be.accessible();
  });

  it('rt-progress without a status attribute (it is optional there) still shows no status badge', async () => {
    const el = await mount<RtProgress>(memory(), html`<rt-progress label="x" percentage="5"></rt-progress>`, 'rt-progress');
    expect(statusBadge(el)).to.equal(null);
  });
});

describe('long text is cut between characters, never inside one', () => {
  const label = (el: Element) => $(el, '[part="label"]')!;

  it('an emoji name longer than 120 UTF-16 units but not 120 characters is not cut, and never split', async () => {
    const name = '😀'.repeat(100); // 200 UTF-16 units, 100 characters
    const el = await streamProgress({ name });
    expect(label(el).textContent).to.equal(name);
    expect(label(el).hasAttribute('title')).to.equal(false);
  });

  it('a cut lands after a whole emoji (surrogate pair and skin-tone modifier kept together)', async () => {
    const name = `${'x'.repeat(50)}${'👍🏽'.repeat(100)}`; // 150 characters
    const el = await streamProgress({ name });
    const shown = label(el).textContent!;
    expect(shown).not.to.match(LONE_SURROGATE);
    expect(shown.endsWith('👍🏽…'), shown.slice(-6)).to.equal(true);
    // 119 characters and the ellipsis: 50 letters and 69 whole emoji.
    expect(shown).to.equal(`${'x'.repeat(50)}${'👍🏽'.repeat(69)}…`);
    expect(label(el).title).to.equal(name);
  });

  it('a letter with a combining accent is one character: never cut from its accent', async () => {
    const name = 'e\u0301'.repeat(130);
    const el = await streamProgress({ name });
    expect(label(el).textContent).to.equal(`${'e\u0301'.repeat(119)}…`);
  });

  it('the full text in the title (capped at 2,000 units) does not end in half an emoji either', async () => {
    const name = `x${'😀'.repeat(1500)}`;
    const el = await streamProgress({ name });
    expect(label(el).textContent).not.to.match(LONE_SURROGATE);
    expect(label(el).title).not.to.match(LONE_SURROGATE);
    expect(label(el).title.endsWith('😀…')).to.equal(true);
  });
});
