/**
 * Numeric attributes, one rule for all (src/internal/number-attributes.ts): a value that is not a
 * number, or below the attribute's minimum, gives its default; a fraction is floored; a value above
 * the maximum is clamped to it. Each value that had to be changed is said once on the console,
 * naming the attribute and the value. Data values (rt-progress's percentage, completed, total) are
 * kept as given unless they are not numbers.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-progress/rt-progress.js';
import '../../src/elements/rt-provider/rt-provider.js';
import type { MemoryClient } from '../helpers/memory-client.js';
import { $$, ago, ALICE, memory, mount, settle, text, waitForText } from './helpers.js';

function seeded(): MemoryClient {
  const client = memory();
  client.setRows(
    'signal_alerts',
    Array.from({ length: 25 }, (_, i) => ({ id: `a${i}`, user_id: ALICE, business_name: `Business ${i}`, signal_type: 'x', priority: 'low' as const, read: false, created_at: ago(i * 1000) })),
  );
  client.setRows(
    'notifications',
    Array.from({ length: 25 }, (_, i) => ({ id: `n${i}`, user_id: ALICE, title: `Note ${i}`, type: 'info' as const, read: false, created_at: ago(i * 1000) })),
  );
  client.setRows('streams', [{ id: 's1', name: 'Q3 outbound', goal_status: 'in_progress', current_progress: { percentage: 55, completed: 11, total: 20 } }]);
  client.setRows(
    'agent_executions',
    Array.from({ length: 14 }, (_, i) => ({ id: `e${i}`, stream_id: 's1', agent_id: `agent-${i}`, status: 'completed' as const, started_at: ago(100_000 + i * 1000), completed_at: ago(50_000 + i * 1000) })),
  );
  return client;
}

let warnings: string[] = [];
const warn = console.warn;
beforeEach(() => {
  warnings = [];
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
  };
});
afterEach(() => {
  console.warn = warn;
});

/** Warnings that name `attribute` and the value as written (`"abc"`). */
const about = (attribute: string, value: string) => warnings.filter((w) => w.includes(attribute) && w.includes(`"${value}"`));

interface ListCase {
  tag: string;
  template: (value: string) => TemplateResult;
  /** Text once loaded. */
  ready: string;
  /** Rows shown. */
  count: (el: Element) => number;
  fallback: number;
  /** Rows in the data (what "as many as there are" means). */
  rows: number;
}

const lists: ListCase[] = [
  { tag: 'rt-signal-alerts', template: (v) => html`<rt-signal-alerts max-items=${v}></rt-signal-alerts>`, ready: 'Business 0', count: (el) => $$(el, '[part="item"]').length, fallback: 10, rows: 25 },
  { tag: 'rt-notifications', template: (v) => html`<rt-notifications max-items=${v}></rt-notifications>`, ready: 'Note 0', count: (el) => $$(el, '[part="item"]').length, fallback: 20, rows: 25 },
  {
    tag: 'rt-agent-executions',
    template: (v) => html`<rt-agent-executions stream-id="s1" max-items=${v}></rt-agent-executions>`,
    ready: 'agent-0',
    count: (el) => $$(el, '[part="recent"] [part="item"]').length,
    fallback: 10,
    rows: 14,
  },
];

describe('numeric attributes: one rule for every element', () => {
  for (const c of lists) {
    describe(`<${c.tag} max-items>`, () => {
      const show = async (value: string) => {
        const el = await mount<HTMLElement & { maxItems: unknown }>(seeded(), c.template(value), c.tag);
        await waitForText(el, c.ready);
        return el;
      };

      it('a whole number from 1 shows that many rows, without a warning', async () => {
        const el = await show('3');
        expect(c.count(el)).to.equal(3);
        expect(el.maxItems).to.equal(3);
        expect(warnings).to.deep.equal([]);
      });

      for (const value of ['abc', '', '0', '-3', 'Infinity']) {
        it(`max-items="${value}" gives the default (${c.fallback}) and one warning naming it`, async () => {
          const el = await show(value);
          expect(c.count(el)).to.equal(Math.min(c.fallback, c.rows));
          expect(el.maxItems).to.equal(c.fallback);
          const said = about('max-items', value);
          expect(said, warnings.join('\n')).to.have.length(1);
          expect(said[0]).to.include(String(c.fallback));
          expect(said[0]).to.include(c.tag);
        });
      }

      it('max-items="2.5" is floored to 2 (said once)', async () => {
        const el = await show('2.5');
        expect(c.count(el)).to.equal(2);
        expect(el.maxItems).to.equal(2);
        expect(about('max-items', '2.5')).to.have.length(1);
      });

      it('max-items="1e9" is clamped to 1000, the documented maximum (said once)', async () => {
        const el = await show('1e9');
        expect(el.maxItems).to.equal(1000);
        expect(c.count(el), 'every row there is').to.equal(c.rows);
        const said = about('max-items', '1e9');
        expect(said).to.have.length(1);
        expect(said[0]).to.include('1000');
      });

      it('the property follows the same rule; each bad value is said once, not per render or per element', async () => {
        // Values no other test uses: the warnings are once per page.
        const el = await show('4');
        el.maxItems = -7;
        await settle(el);
        expect(el.maxItems).to.equal(c.fallback);
        expect(c.count(el)).to.equal(Math.min(c.fallback, c.rows));
        el.maxItems = 5;
        await settle(el);
        expect(c.count(el)).to.equal(5);
        el.maxItems = -7;
        await settle(el);
        await show('lots');
        await show('lots');
        expect(warnings.filter((w) => w.includes('max-items=-7'))).to.have.length(1);
        expect(about('max-items', 'lots')).to.have.length(1);
        el.removeAttribute('max-items');
        await settle(el);
        expect(el.maxItems, 'attribute removed: the default, quietly').to.equal(c.fallback);
        expect(warnings).to.have.length(2);
      });
    });
  }

  describe('<rt-stream-card heading-level>', () => {
    const card = async (value: string) => {
      const el = await mount<HTMLElement & { headingLevel: unknown }>(seeded(), html`<rt-stream-card stream-id="s1" heading-level=${value}></rt-stream-card>`, 'rt-stream-card');
      await waitForText(el, 'Q3 outbound');
      return el;
    };
    const heading = (el: Element) => el.shadowRoot!.querySelector('h2, h3, h4, h5, h6, h1')?.localName ?? null;

    it('2 to 4 give that heading; fractions are floored, more than 4 is 4 (each said once)', async () => {
      expect(heading(await card('3'))).to.equal('h3');
      expect(warnings).to.deep.equal([]);
      expect(heading(await card('3.7'))).to.equal('h3');
      expect(about('heading-level', '3.7')).to.have.length(1);
      const six = await card('6');
      expect(heading(six)).to.equal('h4');
      expect(six.headingLevel).to.equal(4);
      expect(about('heading-level', '6')).to.have.length(1);
    });

    for (const value of ['abc', '1', '0', '']) {
      it(`heading-level="${value}" gives no heading (the default) and one warning naming it`, async () => {
        const el = await card(value);
        expect(heading(el)).to.equal(null);
        expect(el.headingLevel).to.equal(undefined);
        expect(text(el)).to.include('Q3 outbound');
        expect(about('heading-level', value)).to.have.length(1);
      });
    }
  });

  describe('<rt-provider revalidate-ms>', () => {
    const provider = async (value: string) =>
      (await fixture(html`<rt-provider .client=${memory()} revalidate-ms=${value}></rt-provider>`)) as HTMLElement & { revalidateMs: unknown };

    it('a whole number of ms from 0 (0 turns it off) is used as given', async () => {
      expect((await provider('30000')).revalidateMs).to.equal(30000);
      expect((await provider('0')).revalidateMs).to.equal(0);
      expect(warnings).to.deep.equal([]);
    });

    it('not a number or negative: the default (unset: 60 000 ms); fractions floored; more than a day: a day', async () => {
      expect((await provider('abc')).revalidateMs).to.equal(undefined);
      expect((await provider('-5')).revalidateMs).to.equal(undefined);
      expect((await provider('1500.9')).revalidateMs).to.equal(1500);
      expect((await provider('1e12')).revalidateMs).to.equal(86_400_000);
      for (const v of ['abc', '-5', '1500.9', '1e12']) expect(about('revalidate-ms', v), v).to.have.length(1);
    });
  });

  describe('<rt-progress percentage, completed, total> (data values)', () => {
    const bar = async (attrs: TemplateResult) => {
      const el = await mount<HTMLElement & { percentage: unknown }>(memory(), attrs, 'rt-progress');
      return el.shadowRoot!.querySelector('[role="progressbar"]')!;
    };

    it('numbers are kept as given: fractions, and out-of-range values for the "Out of range" badge, without a warning', async () => {
      expect((await bar(html`<rt-progress label="x" percentage="42.5"></rt-progress>`)).getAttribute('aria-valuenow')).to.equal('42'); // floored, as the figure
      const over = await mount<HTMLElement>(memory(), html`<rt-progress label="x" percentage="150"></rt-progress>`, 'rt-progress');
      expect(over.shadowRoot!.querySelector('[part="out-of-range"]')).to.exist;
      expect(warnings).to.deep.equal([]);
    });

    it('not a number ("abc", ""): unknown (an indeterminate bar, not 0 %), with one warning naming it', async () => {
      for (const value of ['abc', '']) {
        const track = await bar(html`<rt-progress label="x" percentage=${value}></rt-progress>`);
        expect(track.hasAttribute('aria-valuenow'), `percentage="${value}"`).to.equal(false);
        expect(track.hasAttribute('data-indeterminate')).to.equal(true);
        expect(about('percentage', value)).to.have.length(1);
      }
      const counts = await mount<HTMLElement>(memory(), html`<rt-progress label="x" completed="abc" total="10"></rt-progress>`, 'rt-progress');
      expect(text(counts)).not.to.include('NaN');
      expect(about('completed', 'abc')).to.have.length(1);
    });
  });
});
