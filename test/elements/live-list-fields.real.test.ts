/**
 * QA64 N2: a column a `<rt-live-list>` field names, renamed under the live list, read "Live" over
 * rows of "—" (one console warning). Now none of the rows having the column is a configuration
 * error naming the field and the table, shown instead of the rows and not Live, as the built-in
 * widgets do for a mapped column the table lacks; the rows come back, Live, when the column does.
 * Real backend: the rename is PostgreSQL's, the rows come over Realtime and PostgREST.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-live-list/rt-live-list.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import type { RtError } from '../../src/core/types.js';
import { backendInfo, probeFeed, probeTable, runSql, signIn, USERS } from '../helpers/backend.js';
import { visibleText } from './helpers.js';

const isLive = (el: Element) => el.matches(':state(live)');

describe('<rt-live-list> fields over a column renamed while live (real backend, QA64 N2)', function () {
  this.timeout(60_000);
  let client: RtClient | undefined;
  afterEach(() => client?.dispose());

  it('names the field and the table, is not Live, and shows the rows again when the column is back', async () => {
    const table = await probeTable('fields');
    const errors: RtError[] = [];
    const onError = (e: Event) => errors.push((e as CustomEvent<{ error: RtError }>).detail.error);
    document.addEventListener('rt-error', onError);
    try {
      await runSql(`insert into public.${table} (team, title) values ('t', 'row one'), ('t', 'row two')`);
      const info = await backendInfo();
      client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice) });
      const wrapper = await fixture(html`<rt-provider .client=${client}><rt-live-list .feed=${probeFeed(table)} .params=${{ team: 't' }} label-field="title"></rt-live-list></rt-provider>`);
      const el = wrapper.querySelector('rt-live-list')!;
      await waitUntil(() => isLive(el) && visibleText(el).includes('row two'), 'never Live with its rows', { timeout: 20_000 });

      await runSql(`alter table public.${table} rename column title to headline; update public.${table} set updated_at = now()`);
      await waitUntil(() => visibleText(el).includes(`has no column "title"`), `the missing column was never named; shows: ${visibleText(el)}`, { timeout: 20_000 });
      expect(isLive(el)).to.be.false;
      expect(visibleText(el)).to.include(`label-field="title">: table "${table}"`);
      expect(visibleText(el)).not.to.include('row one');
      expect(errors.filter((e) => e.code === 'bad-config' && e.message.includes('"title"'))).to.have.length(1);

      await runSql(`alter table public.${table} rename column headline to title; update public.${table} set updated_at = now()`);
      await waitUntil(() => isLive(el) && visibleText(el).includes('row one') && visibleText(el).includes('row two'), `never Live again; shows: ${visibleText(el)}`, { timeout: 20_000 });
    } finally {
      document.removeEventListener('rt-error', onError);
      await runSql(`drop table if exists public.${table}`);
    }
  });
});
