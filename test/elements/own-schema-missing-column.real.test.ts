/**
 * Your schema, mapped wrong (QA t14): a `columns` mapping naming a column the table does not have
 * must be a configuration error naming the table and the missing column — not the table's own
 * column of the standard name shown as Live data. Real backend, real PostgREST replies (400, 42703).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import type { RtError } from '../../src/core/types.js';
import { ALICE, CAROL, backendInfo, insertInto, insertRows, newId, newStream, signIn, USERS, waitFor } from '../helpers/backend.js';
import { deepText } from './helpers.js';

describe('your own schema: a mapped column that does not exist (real backend)', function () {
  this.timeout(60_000);

  it('is a bad-config error naming the table and the column, not Live data', async () => {
    const tag = newId().slice(0, 8);
    const stream = await newStream({ name: `Standard name ${tag}`, current_progress: { percentage: 37, completed: 37, total: 100 } });
    await insertRows('notifications', [{ user_id: ALICE, title: `Note ${tag}`, type: 'info' }]);
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    const errors: RtError[] = [];
    const onError = (e: Event) => errors.push((e as CustomEvent<{ error: RtError }>).detail.error);
    document.addEventListener('rt-error', onError);
    try {
      const wrapper = await fixture(html`<div>
        <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token} columns='{"streams":{"name":"title"}}'>
          <rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
        </rt-provider>
        <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token} columns='{"notifications":{"read":"is_read"}}'>
          <rt-notifications></rt-notifications>
        </rt-provider></div>`);
      const progress = wrapper.querySelector('rt-stream-progress')!;
      const notes = wrapper.querySelector('rt-notifications')!;
      const detail = (el: Element) => el.shadowRoot!.querySelector('[part~="error-detail"]')?.textContent ?? '';
      for (const [el, column] of [[progress, 'title'], [notes, 'is_read']] as const) {
        el.scrollIntoView({ block: 'center' }); // widgets out of view do not render until seen
        await waitUntil(() => detail(el).includes(`"${column}"`), `${el.localName} never named the missing column "${column}"; showed: ${deepText(el.shadowRoot!).slice(0, 300)}; errors: ${JSON.stringify(errors)}`, {
          timeout: 30_000,
          interval: 50,
        });
      }
      expect(detail(progress)).to.include('streams');
      expect(detail(notes)).to.include('notifications');
      for (const el of [progress, notes]) expect(deepText(el.shadowRoot!)).not.to.include('Live');
      expect(deepText(progress.shadowRoot!)).not.to.include(`Standard name ${tag}`);
      expect(deepText(progress.shadowRoot!)).not.to.include('37%');
      expect(deepText(notes.shadowRoot!)).not.to.include(`Note ${tag}`);

      const named = (column: string) => errors.find((e) => e.message.includes(`"${column}"`));
      await waitUntil(() => named('title') && named('is_read'), `no rt-error named both columns: ${JSON.stringify(errors)}`, { timeout: 10_000 });
      for (const [table, standard, column] of [['streams', 'name', 'title'], ['notifications', 'read', 'is_read']]) {
        const e = named(column!)!;
        expect(e.code).to.equal('bad-config');
        expect(e.message).to.include(`columns.${table}.${standard}`);
        expect(e.message).to.include(`table "${table}" has no column "${column}"`);
      }
    } finally {
      document.removeEventListener('rt-error', onError);
    }
  });
  it('a column rt-monitor reads that your table lacks, left out of the mapping, is a bad-config error naming the mapping entry to add, not a Live list (QA36: `read`)', async () => {
    const tag = newId().slice(0, 8);
    await insertInto('acme_inbox', [{ id: `note-${tag}`, owner_id: CAROL, title: `Read one ${tag}`, is_read: true }]);
    const info = await backendInfo();
    const token = await signIn(USERS.carol);
    const errors: RtError[] = [];
    const wrapper = await fixture(html`<div @rt-error=${(e: CustomEvent<{ error: RtError }>) => errors.push(e.detail.error)}>
      <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}
        tables='{"notifications":"acme_inbox"}' columns='{"notifications":{"user_id":"owner_id"}}'>
        <rt-notifications></rt-notifications>
      </rt-provider></div>`);
    const notes = wrapper.querySelector('rt-notifications')!;
    notes.scrollIntoView({ block: 'center' });
    const named = () => errors.find((e) => e.message.includes('columns.notifications.read'));
    await waitUntil(named, `no rt-error named the column to map; showed: ${deepText(notes.shadowRoot!).slice(0, 300)}; errors: ${JSON.stringify(errors)}`, { timeout: 30_000 });
    expect(named()!.code).to.equal('bad-config');
    expect(named()!.message).to.include('Table "acme_inbox" has no column "read"');
    await waitUntil(() => deepText(notes.shadowRoot!).includes('columns.notifications.read'), 'the widget never showed the cause', { timeout: 10_000 });
    expect(deepText(notes.shadowRoot!)).not.to.include('Live');
    expect(deepText(notes.shadowRoot!), 'a read row shown as unread').not.to.include(`Read one ${tag}`);
  });

  it('the column a feed filters on, left out of the mapping: one rt-error in rt-monitor\'s words, from REST and Realtime alike, and the connection names it too (QA37 t4)', async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.carol);
    const errors: RtError[] = [];
    // `user_id` left out: the read (PostgREST, 42703) and the channel's filter (Realtime, "invalid
    // column for filter user_id") are both refused. Before: Realtime's raw words first, then ours.
    const wrapper = await fixture(html`<div>
      <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}
        tables='{"notifications":"acme_inbox"}' columns='{"notifications":{"read":"is_read"}}'>
        <rt-notifications @rt-error=${(e: CustomEvent<{ error: RtError }>) => errors.push(e.detail.error)}></rt-notifications>
      </rt-provider></div>`);
    const provider = wrapper.querySelector('rt-provider')!;
    const notes = wrapper.querySelector('rt-notifications')!;
    notes.scrollIntoView({ block: 'center' });
    const entry = 'columns.notifications.user_id';
    const subscription = () => provider.rtClient?.getActiveSubscriptions().find((s) => (s.table as string) === 'acme_inbox');
    // Settled: the channel was refused (its error is on the subscription and the connection) and the
    // widget named the cause.
    await waitFor(
      () => subscription()?.status === 'error' && provider.rtClient!.getConnection().lastError?.message.includes(entry) && errors.some((e) => e.message.includes(entry)),
      30_000,
      () => `settled: subscription ${JSON.stringify(subscription())}; connection ${JSON.stringify(provider.rtClient?.getConnection().lastError)}; errors ${JSON.stringify(errors)}`,
    );
    expect(subscription()!.lastError!.message).to.include(entry);
    expect(provider.rtClient!.getConnection().lastError!.code).to.equal('bad-config');
    expect(errors.map((e) => e.message), 'one rt-error, naming the entry to add').to.have.length(1);
    expect(errors[0].message).to.include('Table "acme_inbox" has no column "user_id"');
    expect(deepText(notes.shadowRoot!)).to.include(entry);
  });
});
