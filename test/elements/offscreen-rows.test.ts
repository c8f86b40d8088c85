/**
 * QA62 F2: a change to a list of 1,000 rows laid out every row (0.26 s a layout on a busy page).
 * Rows out of view now skip style, layout and paint (`content-visibility: auto`), as stream cards
 * do, so the work per change grows far less with the rows held (bench/long-lists.ts measures it). Checked
 * here by the browser's own answer, not by timing: a row far below the viewport has its content
 * skipped, the first row does not, and a skipped row's text is still in the DOM (screen readers,
 * find-in-page).
 */
import { expect, html, waitUntil } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-live-list/rt-live-list.js';
import { FEEDS } from '../../src/core/feeds/index.js';
import type { MemoryClient } from '../helpers/memory-client.js';
import { ALICE, ago, memory, mount } from './helpers.js';

const ROWS = 80;
const cases: Array<{ tag: string; template: TemplateResult; seed: (client: MemoryClient, i: number) => void }> = [
  {
    tag: 'rt-signal-alerts',
    template: html`<rt-signal-alerts user-id=${ALICE} max-items=${ROWS}></rt-signal-alerts>`,
    seed: (c, i) => c.insert('signal_alerts', { id: `a${i}`, user_id: ALICE, business_name: `Row ${i}`, signal_type: 'x', priority: 'low', read: false, created_at: ago(i * 1000) }),
  },
  {
    tag: 'rt-notifications',
    template: html`<rt-notifications user-id=${ALICE} max-items=${ROWS}></rt-notifications>`,
    seed: (c, i) => c.insert('notifications', { id: `n${i}`, user_id: ALICE, title: `Row ${i}`, type: 'info', read: false, created_at: ago(i * 1000) }),
  },
  {
    tag: 'rt-agent-executions',
    template: html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`,
    seed: (c, i) => c.insert('agent_executions', { id: `e${i}`, stream_id: 's1', agent_id: `Row ${i}`, status: 'running', started_at: ago(i * 1000), created_at: ago(i * 1000) }),
  },
  {
    tag: 'rt-live-list',
    template: html`<rt-live-list .feed=${FEEDS['signal-alerts']} .params=${{ userId: ALICE, limit: ROWS }} label-field="business_name"></rt-live-list>`,
    seed: (c, i) => c.insert('signal_alerts', { id: `l${i}`, user_id: ALICE, business_name: `Row ${i}`, signal_type: 'x', priority: 'low', read: false, created_at: ago(i * 1000) }),
  },
];

describe('list rows out of view skip rendering (QA62 F2)', () => {
  for (const { tag, template, seed } of cases) {
    it(`<${tag}>: ${ROWS} rows, those far below the viewport skipped, the first one drawn`, async () => {
      const client = memory();
      const el = await mount<HTMLElement>(client, template, tag);
      for (let i = 1; i <= ROWS; i++) seed(client, i);
      const rows = () => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="item"]')];
      await waitUntil(() => rows().length === ROWS, `${ROWS} rows (has ${rows().length})`, { timeout: 5000 });
      // A row's content is skipped when the row is out of view: checkVisibility() says so for its children.
      const drawn = (row: HTMLElement) => row.firstElementChild!.checkVisibility({ contentVisibilityAuto: true });
      await waitUntil(() => !drawn(rows().at(-1)!), 'the last row skipped', { timeout: 5000 });
      expect(drawn(rows()[0]), 'the first row is drawn').to.equal(true);
      expect(rows().at(-1)!.textContent, 'a skipped row keeps its text').to.include(`Row ${ROWS}`);
    });
  }
});
