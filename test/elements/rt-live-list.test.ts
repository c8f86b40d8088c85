import { expect, html } from '@open-wc/testing';
import '../../src/elements/rt-live-list/rt-live-list.js';
import type { RtLiveList } from '../../src/elements/rt-live-list/rt-live-list.js';
import { defineFeed } from '../../src/core/feeds/feed.js';
import { $$, ALICE, ago, BOB, memory, mount, waitForText } from './helpers.js';
import { recordWarnings } from '../helpers/hosts.js';

// An own feed over a table the in-memory client holds; the rows carry extra columns of any name.
const feed = defineFeed({ name: 'own', table: 'notifications', kind: 'list', filters: [{ column: 'user_id', param: 'userId' }] });

function seeded() {
  const client = memory();
  // A real column named __proto__ can only be made as JSON does (an object literal would set the prototype).
  const proto = JSON.parse('{"__proto__": "real proto"}') as Record<string, unknown>;
  client.setRows('notifications', [
    { id: 'k1', user_id: ALICE, title: 'Title one', type: 'running', created_at: ago(1000), meta: { a: 1, html: '<b>x</b>' }, tags: ['x', 'y'] } as never,
    { id: 'k2', user_id: ALICE, title: null, type: 'done', created_at: ago(2000), meta: null, constructor: 'real ctor', toString: 'real str', ...proto } as never,
  ]);
  return client;
}

const labels = (el: RtLiveList) => $$(el, '[part~="label"]').map((l) => l.textContent!.trim());
const parts = (el: RtLiveList, part: string) => $$(el, `[part~="${part}"]`).map((l) => l.textContent!.trim());

async function list(template: ReturnType<typeof html>) {
  const el = await mount<RtLiveList>(seeded(), template, 'rt-live-list');
  await waitForText(el, 'Live');
  return el;
}

describe('rt-live-list fields', () => {
  it('parameters changed in place (a Vue reactive() object) are followed at the next update, and the console says to give a new object, once (QA86 M3)', async () => {
    const client = seeded();
    client.setRows('notifications', [...client.rows('notifications'), { id: 'b1', user_id: BOB, title: 'Bob only', type: 'done', created_at: ago(500) } as never]);
    const params = { userId: ALICE };
    const el = await mount<RtLiveList>(client, html`<rt-live-list .feed=${feed} .params=${params} label-field="title"></rt-live-list>`, 'rt-live-list');
    await waitForText(el, 'Title one');
    const said = recordWarnings();
    try {
      params.userId = BOB; // in place: nothing tells the element
      el.requestUpdate(); // an update for another reason (a data frame, an attribute)
      await waitForText(el, 'Bob only');
      params.userId = ALICE;
      el.requestUpdate();
      await waitForText(el, 'Title one');
      const inPlace = said.warnings.filter((w) => w.includes('changed in place'));
      expect(inPlace.length, said.warnings.join('\n')).to.equal(1);
      expect(inPlace[0]).to.include('<rt-live-list>').and.include('{ ...params }');
      // A new object each time is the way: no word.
      el.params = { userId: BOB };
      await waitForText(el, 'Bob only');
      expect(said.warnings.filter((w) => w.includes('changed in place')).length).to.equal(1);
    } finally {
      said.restore();
    }
  });

  it('a field naming a column none of the rows has is a configuration error naming it, not Live rows of "—" (QA64 N2)', async () => {
    for (const [attr, good] of [['label-field', 'status-field="type"'], ['status-field', 'label-field="title"'], ['detail-field', 'label-field="title"']] as const) {
      const client = seeded();
      const errors: { code: string; message: string }[] = [];
      const onError = (e: Event) => errors.push((e as CustomEvent<{ error: { code: string; message: string } }>).detail.error);
      document.addEventListener('rt-error', onError);
      try {
        const el = await mount<RtLiveList>(client, html`<div></div>`, 'div').then(async (d) => {
          d.innerHTML = `<rt-live-list ${good} ${attr}="titel"></rt-live-list>`;
          const l = d.firstElementChild as RtLiveList;
          l.params = { userId: ALICE };
          l.feed = feed;
          return l;
        });
        await waitForText(el, 'has no column "titel"');
        expect(el.shadowRoot!.textContent, attr).to.include(`<rt-live-list ${attr}="titel">: table "notifications"`);
        expect(el.shadowRoot!.textContent).to.include('Not live');
        expect(labels(el), 'no rows shown').to.deep.equal([]);
        expect(el.matches(':state(live)')).to.be.false;
        expect(errors.map((e) => e.code)).to.deep.equal(['bad-config']);
        // The column comes (the field corrected): the rows, Live.
        el.setAttribute(attr, attr === 'label-field' ? 'title' : 'type');
        await waitForText(el, 'Live');
        expect(labels(el)).to.have.length(2);
        expect(el.matches(':state(live)')).to.be.true;
      } finally {
        document.removeEventListener('rt-error', onError);
      }
    }
  });

  it('JS builtin names are read only as the row\'s own columns', async () => {
    const el = await list(html`<rt-live-list .feed=${feed} .params=${{ userId: ALICE }} label-field="constructor" status-field="toString"></rt-live-list>`);
    // k1 has neither: nothing of Object.prototype is shown; k2 has real constructor / toString columns.
    expect(labels(el)).to.deep.equal(['—', 'real ctor']);
    expect(parts(el, 'status')).to.deep.equal(['real str']);
    expect(el.shadowRoot!.textContent).not.to.include('native code');
    const proto = await list(html`<rt-live-list .feed=${feed} .params=${{ userId: ALICE }} label-field="__proto__"></rt-live-list>`);
    expect(labels(proto)).to.deep.equal(['—', 'real proto']);
    expect(proto.shadowRoot!.textContent).not.to.include('[object Object]');
    // A name only Object.prototype has is no column: the configuration error, not its function.
    const inherited = await mount<RtLiveList>(seeded(), html`<rt-live-list .feed=${feed} .params=${{ userId: ALICE }} label-field="title" detail-field="hasOwnProperty"></rt-live-list>`, 'rt-live-list');
    await waitForText(inherited, 'has no column "hasOwnProperty"');
    expect(inherited.shadowRoot!.textContent).not.to.include('native code');
  });

  it('a NULL label reads "—", not the key or another column; objects and arrays read as JSON text', async () => {
    const el = await list(html`<rt-live-list .feed=${feed} .params=${{ userId: ALICE }} label-field="title" status-field="type" detail-field="meta"></rt-live-list>`);
    expect(labels(el)).to.deep.equal(['Title one', '—']);
    expect(parts(el, 'detail')).to.deep.equal(['{"a":1,"html":"<b>x</b>"}']); // text, never HTML
    expect(el.shadowRoot!.querySelector('[part~="detail"] b')).to.be.null;
    const tags = await list(html`<rt-live-list .feed=${feed} .params=${{ userId: ALICE }} label-field="tags"></rt-live-list>`);
    expect(labels(tags)).to.deep.equal(['["x","y"]', '—']);
    expect(tags.matches(':state(live)'), 'k1 has the column: not an error').to.be.true;
  });

  it('an empty or blank label reads "—"; an empty status or detail shows no empty badge or line', async () => {
    const client = memory();
    client.setRows('notifications', [
      { id: 'b1', user_id: ALICE, title: '', type: '', meta: '  ', created_at: ago(1000) } as never,
      { id: 'b2', user_id: ALICE, name: ' ', title: 'shown', created_at: ago(2000) } as never,
    ]);
    const el = await mount<RtLiveList>(client, html`<rt-live-list .feed=${feed} .params=${{ userId: ALICE }} label-field="title" status-field="type" detail-field="meta"></rt-live-list>`, 'rt-live-list');
    await waitForText(el, 'Live');
    expect(labels(el)).to.deep.equal(['—', 'shown']);
    expect(el.shadowRoot!.querySelectorAll('[part~="item"] [part~="badge"], [part~="detail"]')).to.have.length(0);
    // Without label-field: a blank name gives way to the title, as a NULL one does.
    const plain = await mount<RtLiveList>(client, html`<rt-live-list .feed=${feed} .params=${{ userId: ALICE }}></rt-live-list>`, 'rt-live-list');
    await waitForText(plain, 'Live');
    expect(labels(plain)).to.deep.equal(['b1', 'shown']);
  });

  it('without label-field: name, then title, then the key', async () => {
    const el = await list(html`<rt-live-list .feed=${feed} .params=${{ userId: ALICE }}></rt-live-list>`);
    expect(labels(el)).to.deep.equal(['Title one', 'k2']);
  });
});

describe('rt-live-list feeds (QA38: a feed without filters threw, and the list read "Loading…" for good)', () => {
  it('a feed declared without filters is every row the user may read', async () => {
    const all = defineFeed({ name: 'all-notes', table: 'notifications', kind: 'list' });
    const el = await mount<RtLiveList>(seeded(), html`<rt-live-list .feed=${all} label-field="title"></rt-live-list>`, 'rt-live-list');
    await waitForText(el, 'Live');
    expect(labels(el)).to.deep.equal(['Title one', '—']);
  });

  it('filters of the wrong shape are named when the feed is defined', () => {
    expect(() => defineFeed({ name: 'bad', table: 'notifications', kind: 'list', filters: { column: 'user_id' } as never })).to.throw(/filters must be an array of \{ column, param \}/);
    expect(() => defineFeed({ name: 'bad', table: 'notifications', kind: 'list', filters: [{ column: 'user_id' }] as never })).to.throw(/defineFeed\(bad\)/);
  });

  it('a declaration given as the feed, not passed through defineFeed(): the cause shown and raised, no exception', async () => {
    const errors: string[] = [];
    const onError = (e: Event) => errors.push((e as CustomEvent<{ error: { code: string; message: string } }>).detail.error.message);
    document.addEventListener('rt-error', onError);
    try {
      const declaration = { name: 'raw', table: 'notifications', kind: 'list' } as never;
      const el = await mount<RtLiveList>(seeded(), html`<rt-live-list .feed=${declaration}></rt-live-list>`, 'rt-live-list');
      await waitForText(el, 'defineFeed()');
      expect(errors.some((m) => m.includes('defineFeed()'))).to.equal(true);
    } finally {
      document.removeEventListener('rt-error', onError);
    }
  });
});

describe('rt-live-list heading', () => {
  it('an empty or blank heading is the default, never an empty heading (QA38)', async () => {
    for (const heading of ['', '  ']) {
      const el = await mount<RtLiveList>(seeded(), html`<rt-live-list .feed=${feed} .params=${{ userId: ALICE }} heading=${heading}></rt-live-list>`, 'rt-live-list');
      expect($$(el, '[role=heading]')[0]!.textContent!.trim(), JSON.stringify(heading)).to.equal('Live data');
      await expect(el).to.be.accessible();
    }
  });
});

describe('rt-live-list status-field', () => {
  it('a known work status reads in the page\'s words, any other value as given (QA38: "in_progress")', async () => {
    const client = memory();
    client.setRows('notifications', [
      { id: 'a', user_id: ALICE, title: 'A', type: 'in_progress', created_at: ago(1000) } as never,
      { id: 'b', user_id: ALICE, title: 'B', type: 'shipping soon', created_at: ago(2000) } as never,
    ]);
    const el = await mount<RtLiveList>(client, html`<rt-live-list .feed=${feed} .params=${{ userId: ALICE }} label-field="title" status-field="type"></rt-live-list>`, 'rt-live-list');
    await waitForText(el, 'Live');
    const t = el.shadowRoot!.textContent!;
    expect(t).to.include('In progress');
    expect(t).to.not.include('in_progress');
    expect(t).to.include('shipping soon');
  });
});

describe('rt-live-list events and hand-typed fields (QA39)', () => {
  it('raises rt-error for its feed\'s failure, as every widget does, and reflects its phase', async () => {
    const client = seeded();
    client.fail('notifications', { code: 'forbidden', message: 'permission denied for table notifications' });
    const errors: string[] = [];
    const onError = (e: Event) => errors.push((e as CustomEvent<{ error: { code: string } }>).detail.error.code);
    document.addEventListener('rt-error', onError);
    try {
      const el = await mount<RtLiveList>(client, html`<rt-live-list .feed=${feed} .params=${{ userId: ALICE }}></rt-live-list>`, 'rt-live-list');
      await waitForText(el, 'No access');
      expect(errors, 'rt-error events').to.deep.equal(['forbidden']);
    } finally {
      document.removeEventListener('rt-error', onError);
    }
  });

  it('field names with spaces around them are the columns they name', async () => {
    const el = await list(html`<rt-live-list .feed=${feed} .params=${{ userId: ALICE }} label-field=" title " status-field=" type "></rt-live-list>`);
    expect(labels(el)[0]).to.equal('Title one');
    expect(parts(el, 'status').length).to.be.greaterThan(0);
  });
});
