/**
 * RestSource.outage: the REST API as a whole cannot answer (QA84 F2, F3), told apart from a query's
 * own failure, and its end (the first request that succeeds) told once.
 */
import { expect } from '@open-wc/testing';
import { OUTAGE_PROBE_MS, RestSource } from '../../src/core/rest-source.js';
import { waitFor } from '../helpers/backend.js';
import { SchemaMap } from '../../src/core/schema-map.js';
import { Session } from '../../src/core/session.js';
import type { RestLike } from '../../src/core/supabase-like.js';

type Reply = { data: unknown; error: unknown; status: number };
const ok: Reply = { data: [], error: null, status: 200 };
const fail = (status: number, message = 'boom', code?: string): Reply => ({ data: null, error: { code, message, details: null, hint: null }, status });

describe('RestSource outage', function () {
  this.timeout(30_000);
  it('a 503, 502, 504, 429 or an unreachable server is an outage until a request succeeds (told once); a query\'s own 500, 404 or 403 is none', async () => {
    let next: Reply = ok;
    const chain: Record<string, unknown> = {};
    for (const m of ['select', 'eq', 'in', 'order', 'limit']) chain[m] = () => chain;
    chain.then = (resolve: (v: unknown) => void) => Promise.resolve(next).then(resolve);
    const rest = { from: () => chain } as unknown as RestLike;
    let changes = 0;
    let over = 0;
    let probes = 0;
    const session = new Session('a-token', undefined, { changed() {}, renewed() {} });
    const source = new RestSource(rest, session, new SchemaMap(), () => changes++, (all) => (all ? over++ : probes++, true));
    const read = async (reply: Reply) => {
      next = reply;
      await source.orgsOf('alice');
      await new Promise((r) => setTimeout(r)); // (its end is told after the task: the read that succeeded lands first)
      return source.outage;
    };
    for (const reply of [fail(500, 'function failed', 'P0001'), fail(404, 'relation "x" does not exist', '42P01'), fail(403, 'permission denied', '42501')]) {
      expect(await read(reply), `${reply.status}`).to.equal(null);
    }
    expect([changes, over]).to.deep.equal([0, 0]);
    for (const status of [503, 502, 504, 429]) {
      expect((await read(fail(status, 'Could not connect with the database', 'PGRST001')))?.code, `${status}`).to.equal('server');
      expect(await read(fail(500, 'function failed', 'P0001')), 'a query\'s own failure meanwhile leaves it').to.not.equal(null);
      expect(await read(ok), 'a request that succeeds ends it').to.equal(null);
    }
    expect(over, 'told at each end').to.equal(4);
    expect((await read(fail(0, 'TypeError: Failed to fetch')))?.code, 'unreachable').to.equal('network');
    expect(await read(ok)).to.equal(null);
    expect(over).to.equal(5);
    await read(ok);
    expect(over, 'a success with no outage before tells nothing').to.equal(5);
    // While it lasts and nothing is read, one refused query is read again every OUTAGE_PROBE_MS.
    expect(probes).to.equal(0);
    await read(fail(503, 'Could not connect with the database', 'PGRST001'));
    await waitFor(() => probes >= 1, OUTAGE_PROBE_MS * 2, 'a probe');
    expect(await read(ok)).to.equal(null);
    expect(over).to.equal(6);
  });
});
