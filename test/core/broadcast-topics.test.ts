/** Broadcast mode's topic naming and message mapping (src/core/broadcast-topics.ts). */
import { expect } from '@open-wc/testing';
import { ORGS_FRESH_MS, changeMatches, changeOfMessage, parseRealtimeMode, topicContext, topicRefusal, topicsFor, type TopicContext } from '../../src/core/broadcast-topics.js';
import { isRtError, rtError } from '../../src/core/errors.js';
import { HOLD_MS, subscribeOnTopics } from '../../src/core/topic-subscription.js';
import type { ChannelState } from '../../src/core/client-types.js';

const ME = '11111111-1111-4111-8111-111111111111';
const ORG_A = '00000000-0000-4000-a000-00000000ac01';
const ORG_B = '00000000-0000-4000-a000-0000000061e0';
const ctx = (user: string | null, orgs: string[] = [ORG_A, ORG_B]): TopicContext => ({
  userId: async () => user,
  orgIds: async () => orgs,
});

describe('broadcast topics', () => {
  it('a refused org topic whose id is not a UUID is the setup (the shipped rt_can_read_topic), any other refusal as it came (QA61 F4)', () => {
    const refused = rtError('forbidden', 'No access: Unauthorized: You do not have permissions to read from this Channel topic', 'Unauthorized');
    const setup = topicRefusal('org:team-acme', refused);
    expect([setup.code, setup.detail]).to.deep.equal(['bad-config', 'broadcast-topic']);
    expect(setup.message).to.include('"org:team-acme"').and.include(refused.message);
    expect(topicRefusal('org:42', refused).code).to.equal('bad-config');
    expect(topicRefusal('org:00000000-0000-4000-A000-00000000AC01', refused)).to.equal(refused); // a UUID in any case: a real "no access"
    expect(topicRefusal('user:11111111-1111-4111-8111-111111111111', refused)).to.equal(refused);
    const token = rtError('unauthorized', 'Realtime refused the access token: expired');
    expect(topicRefusal('org:team-acme', token)).to.equal(token);
  });

  it('reads the mode: only "broadcast" switches, anything else is postgres_changes', () => {
    expect(parseRealtimeMode('broadcast')).to.equal('broadcast');
    expect(parseRealtimeMode(' Broadcast ')).to.equal('broadcast');
    expect(parseRealtimeMode('postgres_changes')).to.equal('postgres_changes');
    expect(parseRealtimeMode('')).to.equal('postgres_changes');
    expect(parseRealtimeMode(undefined)).to.equal('postgres_changes');
    expect(parseRealtimeMode('websocket')).to.equal('postgres_changes');
  });

  it('a mode that is neither (a typo) warns once, naming the value; the known ones and nothing do not', () => {
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    try {
      for (const v of ['brodcast', 'brodcast', 'postgres_changes', 'postgres-changes', 'broadcast', '', undefined]) parseRealtimeMode(v);
    } finally {
      console.warn = warn;
    }
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('"brodcast"');
  });

  it('names topics the way the migration scopes rows', async () => {
    expect(await topicsFor({ table: 'streams', filter: `org_id=eq.${ORG_A}` }, ctx(ME))).to.deep.equal([`org:${ORG_A}`]);
    expect(await topicsFor({ table: 'streams', filter: 'id=eq.x' }, ctx(ME))).to.deep.equal([`org:${ORG_A}`, `org:${ORG_B}`]);
    expect(await topicsFor({ table: 'agent_executions', filter: 'stream_id=eq.x' }, ctx(ME))).to.deep.equal([`org:${ORG_A}`, `org:${ORG_B}`]);
    expect(await topicsFor({ table: 'agent_executions', filter: 'stream_id=eq.x' }, ctx(ME, []))).to.deep.equal([]);
    expect(await topicsFor({ table: 'signal_alerts', filter: `user_id=eq.${ME}` }, ctx(ME))).to.deep.equal([`user:${ME}`]);
    expect(await topicsFor({ table: 'notifications', filter: 'user_id=eq.someone' }, ctx(ME))).to.deep.equal(['user:someone']);
    expect(await topicsFor({ table: 'acquisition_scans', filter: 'id=eq.s1' }, ctx(ME))).to.deep.equal([`user:${ME}`]);
    const anon = await topicsFor({ table: 'acquisition_scans', filter: 'id=eq.s1' }, ctx(null));
    expect(isRtError(anon) && anon.code).to.equal('forbidden');
  });

  it("one read of the user's orgs and of a stream's org serves the feeds starting together; a failed read is not kept", async () => {
    const reads: string[] = [];
    let fail = true;
    const context = topicContext(
      async (user) => (reads.push(`orgs:${user}`), [ORG_A]),
      async () => ME,
      async (id) => (reads.push(`stream:${id}`), fail ? rtError('network', 'offline') : ORG_B),
    );
    // A stream widget and its executions widget, twice: the stream's org is read once the read succeeds.
    const stream = { table: 'streams', filter: 'id=eq.s1' } as const;
    const executions = { table: 'agent_executions', filter: 'stream_id=eq.s1' } as const;
    const first = await topicsFor(stream, context);
    expect(isRtError(first)).to.equal(true);
    fail = false;
    expect(await Promise.all([topicsFor(stream, context), topicsFor(executions, context)])).to.deep.equal([[`org:${ORG_B}`], [`org:${ORG_B}`]]);
    await Promise.all([context.orgIds(), context.orgIds(), topicsFor({ table: 'streams', filter: `org_id=eq.${ORG_A}` }, context)]);
    expect(reads.sort()).to.deep.equal([`orgs:${ME}`, 'stream:s1', 'stream:s1']);
  });

  it("a read of the user's orgs is fresh for ORGS_FRESH_MS of the page's time, whatever its wall clock does (QA71 F1)", async () => {
    let reads = 0;
    const context = topicContext(async () => (reads++, [ORG_A]), async () => ME);
    const [realNow, realPerf] = [Date.now, performance.now];
    let passed = 0;
    try {
      await context.orgIds();
      expect(reads).to.equal(1);
      // The clock set back three minutes, then the freshness window passes.
      passed = ORGS_FRESH_MS + 1;
      Date.now = () => realNow() - 180_000 + passed;
      performance.now = () => realPerf.call(performance) + passed;
      await context.orgIds();
      expect(reads, 'read again once the window passed').to.equal(2);
    } finally {
      Date.now = realNow;
      performance.now = realPerf;
    }
  });

  it('maps broadcast_changes payloads to row changes, and refuses what is not one', () => {
    const rec = { id: 'r1', org_id: ORG_A, name: 'n' };
    const up = changeOfMessage({ event: 'UPDATE', payload: { schema: 'public', table: 'streams', operation: 'UPDATE', record: rec, old_record: { ...rec, name: 'o' } } });
    expect(up).to.deep.equal({ table: 'streams', change: { type: 'UPDATE', new: rec, old: { ...rec, name: 'o' } } });
    const ins = changeOfMessage({ event: 'INSERT', payload: { schema: 'public', table: 'streams', operation: 'INSERT', record: rec, old_record: null } });
    expect(ins!.change).to.deep.equal({ type: 'INSERT', new: rec, old: null });
    const del = changeOfMessage({ event: 'DELETE', payload: { schema: 'public', table: 'streams', operation: 'DELETE', record: null, old_record: rec } });
    expect(del!.change).to.deep.equal({ type: 'DELETE', new: null, old: rec });
    expect(changeOfMessage({ event: 'x', payload: { text: 'hi' } as never })).to.equal(null);
    expect(changeOfMessage({ event: 'UPDATE', payload: { schema: 'other', table: 'streams', operation: 'UPDATE', record: rec } })).to.equal(null);
    expect(changeOfMessage({ event: 'TRUNCATE', payload: { schema: 'public', table: 'streams', operation: 'TRUNCATE' } })).to.equal(null);
    expect(changeOfMessage(null)).to.equal(null);
  });

  it('routes by table and by the filter value before or after the change', () => {
    const moved = { type: 'UPDATE' as const, new: { id: 'r1', org_id: ORG_B }, old: { id: 'r1', org_id: ORG_A } };
    expect(changeMatches({ table: 'streams', filter: `org_id=eq.${ORG_A}` }, 'streams', moved)).to.equal(true);
    expect(changeMatches({ table: 'streams', filter: `org_id=eq.${ORG_B}` }, 'streams', moved)).to.equal(true);
    expect(changeMatches({ table: 'streams', filter: 'id=eq.r2' }, 'streams', moved)).to.equal(false);
    expect(changeMatches({ table: 'agent_executions', filter: 'id=eq.r1' }, 'streams', moved)).to.equal(false);
    expect(changeMatches({ table: 'streams', filter: null }, 'streams', moved)).to.equal(true);
  });
  it('a refused subscription whose table broadcasts again joins at the next re-check, not at its next retry; one joined is refused when its table stops (QA30)', async () => {
    let listed = false;
    const reads: boolean[] = [];
    const context: TopicContext = {
      ...ctx(ME),
      sources: async (fresh) => (reads.push(!!fresh), new Map(listed ? [['notifications', { topic: 'user' as const, column: 'user_id' }]] : [])),
    };
    const states: ChannelState[] = [];
    const joined: string[] = [];
    const settle = () => new Promise((r) => setTimeout(r, 0));
    const sub = subscribeOnTopics(
      { table: 'notifications', filter: `user_id=eq.${ME}`, name: 'notifications' },
      { onChange: () => {}, onState: (st) => states.push(st) },
      context,
      (topic, listener) => (joined.push(topic), listener.onState({ status: 'connected', ready: true, epoch: 1, error: null }), () => {}),
      () => false,
    );
    for (let n = 0; n < 5 && !states.some((st) => st.error); n++) await settle();
    expect(states.at(-1)?.error?.detail, 'refused: nothing broadcasts its changes').to.equal('broadcast-source');
    // A round while still not listed: still refused, nothing joined.
    sub.recheck(false);
    for (let n = 0; n < 5; n++) await settle();
    expect(joined).to.deep.equal([]);
    // The trigger is back: the next round joins (the first retry is 2 s away; this is within ticks).
    listed = true;
    sub.recheck(false);
    for (let n = 0; n < 10 && !joined.length; n++) await settle();
    expect(joined).to.deep.equal([`user:${ME}`]);
    expect(states.at(-1)).to.include({ ready: true, error: null });
    // Dropped again: a fresh read refuses it.
    listed = false;
    sub.recheck(true);
    for (let n = 0; n < 10 && !states.at(-1)?.error; n++) await settle();
    expect(states.at(-1)?.error?.detail).to.equal('broadcast-source');
    expect(reads.filter(Boolean), 'one fresh read').to.have.length(1);
    sub.release();
  });
  it("a stream-following subscription holds a DELETE while the stream's org is read again: unmoved, delivered with what followed, in order; moved, dropped and the new org's topic joined; the read failing, named again (QA68 F1)", async () => {
    const STREAM = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
    let org: string | null | ReturnType<typeof rtError> = ORG_A;
    const sources = new Map([['agent_executions', { topic: 'org' as const, column: null }]]);
    let pending: Array<() => void> = [];
    const reads: Array<boolean | undefined> = [];
    const context: TopicContext = {
      ...ctx(ME),
      // Each read answers when the test lets it (`answer()`), with the org as it is then.
      streamOrg: (_id, fresh) => (reads.push(fresh), new Promise((r) => pending.push(() => r(org)))),
      sources: async () => sources,
      knownSources: () => sources,
    };
    const answer = async () => {
      await settle();
      pending.splice(0).forEach((f) => f());
      await settle();
    };
    const settle = async () => { for (let n = 0; n < 10; n++) await new Promise((r) => setTimeout(r, 0)); };
    const heard: string[] = [];
    const states: ChannelState[] = [];
    const joined: string[] = [];
    const left: string[] = [];
    let send: (type: 'INSERT' | 'UPDATE' | 'DELETE', id: string) => void = () => {};
    const sub = subscribeOnTopics(
      { table: 'agent_executions', filter: `stream_id=eq.${STREAM}`, name: 'agent-executions' },
      { onChange: (c) => heard.push(`${c.type} ${((c.new ?? c.old) as { id: string }).id}`), onState: (st) => states.push(st) },
      context,
      (topic, listener) => {
        joined.push(topic);
        send = (type, id) => listener.onChange({ type, new: type === 'DELETE' ? null : { id, stream_id: STREAM }, old: type === 'INSERT' ? null : { id, stream_id: STREAM } });
        listener.onState({ status: 'connected', ready: true, epoch: 1, error: null });
        return () => left.push(topic);
      },
      () => false,
    );
    await answer();
    expect(joined).to.deep.equal([`org:${ORG_A}`]);
    // A run deleted: held while the org is read (fresh), then delivered with the change after it.
    send('UPDATE', 'r1');
    send('DELETE', 'r2');
    send('INSERT', 'r3');
    expect(heard).to.deep.equal(['UPDATE r1']);
    await answer();
    expect(reads.at(-1)).to.equal(true);
    expect(heard).to.deep.equal(['UPDATE r1', 'DELETE r2', 'INSERT r3']);
    // The stream moved: the old topic's DELETEs are dropped, the new org's topic joined, a new epoch.
    org = ORG_B;
    const epochBefore = states.at(-1)!.epoch;
    send('DELETE', 'r1');
    send('DELETE', 'r3');
    await answer();
    expect(heard).to.have.length(3);
    expect(left).to.deep.equal([`org:${ORG_A}`]);
    expect(joined).to.deep.equal([`org:${ORG_A}`, `org:${ORG_B}`]);
    // Joined there: not ready until the org, read once more, is still that one (QA69 F1).
    expect(states.at(-1)).to.include({ ready: false });
    await answer();
    expect(states.at(-1)).to.include({ ready: true, epoch: epochBefore + 1 });
    // The read fails: not delivered as a deletion; the topics are named again (the failure is the state).
    org = rtError('network', "Could not read the stream's org: offline");
    send('DELETE', 'r1');
    await answer();
    await answer();
    expect(heard).to.have.length(3);
    expect(states.at(-1)?.error?.code).to.equal('network');
    // Named again at the first retry (TOPIC_RETRY_MS[0], 2 s): the stream's org, read then.
    org = ORG_A;
    await new Promise((r) => setTimeout(r, 2100));
    await answer();
    expect(joined.at(-1)).to.equal(`org:${ORG_A}`);
    await answer(); // the check once joined
    expect(states.at(-1)).to.include({ ready: true, error: null });
    // A round's recheck: a failed read changes nothing (REST down is no move); the stream moved unheard, it follows.
    const joins = joined.length;
    org = rtError('network', 'offline');
    sub.recheck(false);
    await answer();
    expect(joined.length).to.equal(joins);
    expect(states.at(-1)).to.include({ ready: true, error: null });
    org = ORG_B;
    sub.recheck(true);
    await answer();
    expect(joined.at(-1)).to.equal(`org:${ORG_B}`);
    sub.release();
  });
  it('a stream-following subscription, reviewed: a DELETE held during a round\'s org read that moves it is dropped; a failed read leaves it not ready at once; a read that never answers holds it at most HOLD_MS (QA68 F1 review)', async () => {
    const STREAM = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
    const sources = new Map([['streams', { topic: 'org' as const, column: 'org_id' }]]);
    const answers: Array<(org: string | null | ReturnType<typeof rtError>) => void> = [];
    const context: TopicContext = {
      ...ctx(ME),
      streamOrg: () => new Promise((r) => answers.push(r)),
      sources: async () => sources,
      knownSources: () => sources,
    };
    const settle = async () => { for (let n = 0; n < 10; n++) await new Promise((r) => setTimeout(r, 0)); };
    const heard: string[] = [];
    const states: ChannelState[] = [];
    const joined: string[] = [];
    let send: (type: 'UPDATE' | 'DELETE') => void = () => {};
    const sub = subscribeOnTopics(
      { table: 'streams', filter: `id=eq.${STREAM}`, name: 'stream' },
      { onChange: (c) => heard.push(c.type), onState: (st) => states.push(st) },
      context,
      (topic, listener) => {
        joined.push(topic);
        send = (type) => listener.onChange({ type, new: type === 'DELETE' ? null : { id: STREAM }, old: { id: STREAM } });
        listener.onState({ status: 'connected', ready: true, epoch: 1, error: null });
        return () => {};
      },
      () => false,
    );
    await settle();
    answers.shift()!(ORG_A);
    await settle();
    expect(joined).to.deep.equal([`org:${ORG_A}`]);
    // A round's read of the org is under way when the move's DELETE comes; the round's answers first.
    sub.recheck(true);
    await settle();
    send('DELETE');
    await settle();
    expect(answers).to.have.length(2);
    answers.shift()!(ORG_B); // the round's: moved, followed
    await settle();
    answers.shift()!(ORG_B); // the DELETE's: out of date, the DELETE dropped (the new epoch reads the row)
    await settle();
    expect(joined).to.deep.equal([`org:${ORG_A}`, `org:${ORG_B}`]);
    expect(heard).to.deep.equal([]);
    answers.shift()!(ORG_B); // the check once joined: still there
    await settle();
    expect(states.at(-1)).to.include({ ready: true });
    // A failed read: not ready at once, while the topics are named again.
    send('DELETE');
    await settle();
    answers.shift()!(rtError('network', 'offline'));
    await settle();
    expect(states.at(-1)).to.include({ ready: false });
    answers.shift()!(ORG_B); // the naming's read
    await settle();
    answers.shift()!(ORG_B); // the check once joined
    await settle();
    expect(states.at(-1)).to.include({ ready: true });
    // A read that never answers: held HOLD_MS at most, then dropped with a new epoch (a re-read).
    const epoch = states.at(-1)!.epoch;
    send('DELETE');
    send('UPDATE');
    await new Promise((r) => setTimeout(r, HOLD_MS + 100));
    expect(heard).to.deep.equal([]);
    // Not ready while its org is read once more (the check of a new epoch); then ready, a new epoch.
    expect(states.at(-1)).to.include({ ready: false });
    answers.at(-1)!(ORG_B);
    await settle();
    expect(states.at(-1)).to.include({ ready: true, epoch: epoch + 1 });
    send('UPDATE');
    expect(heard, 'no longer held').to.deep.equal(['UPDATE']);
    sub.release();
  });

  it('a streams table broadcast on user topics (your trigger) is not followed to an org: its DELETE is delivered, its round reads no org', async () => {
    const sources = new Map([['streams', { topic: 'user' as const, column: 'owner_id' }]]);
    let reads = 0;
    const context: TopicContext = { ...ctx(ME), streamOrg: async () => (reads++, ORG_A), sources: async () => sources, knownSources: () => sources };
    const heard: string[] = [];
    const joined: string[] = [];
    let send: () => void = () => {};
    const sub = subscribeOnTopics(
      { table: 'streams', filter: 'id=eq.s1', name: 'stream' },
      { onChange: (c) => heard.push(c.type), onState: () => {} },
      context,
      (topic, listener) => ((send = () => listener.onChange({ type: 'DELETE', new: null, old: { id: 's1' } })), joined.push(topic), listener.onState({ status: 'connected', ready: true, epoch: 1, error: null }), () => {}),
      () => false,
    );
    for (let n = 0; n < 10; n++) await new Promise((r) => setTimeout(r, 0));
    expect(joined).to.deep.equal([`user:${ME}`]);
    send();
    expect(heard).to.deep.equal(['DELETE']);
    sub.recheck(true);
    for (let n = 0; n < 10; n++) await new Promise((r) => setTimeout(r, 0));
    expect([reads, joined]).to.deep.equal([0, [`user:${ME}`]]);
    sub.release();
  });

  it("a topic's subscription carries the consumer's own problem to the subscription list (QA36: lost, every entry read lastError null)", async () => {
    const problem = rtError('not-found', 'Not found, or you do not have access to it.');
    const seen: Array<(() => unknown) | undefined> = [];
    const settle = () => new Promise((r) => setTimeout(r, 0));
    const sub = subscribeOnTopics(
      { table: 'notifications', filter: `user_id=eq.${ME}`, name: 'notifications' },
      { onChange: () => {}, onState: () => {}, problem: () => problem },
      { ...ctx(ME), sources: async () => new Map([['notifications', { topic: 'user' as const, column: 'user_id' }]]) },
      (_topic, listener) => (seen.push(listener.problem), () => {}),
      () => false,
    );
    for (let n = 0; n < 10 && !seen.length; n++) await settle();
    expect(seen).to.have.length(1);
    expect(seen[0]?.()).to.equal(problem);
    sub.release();
  });
});
