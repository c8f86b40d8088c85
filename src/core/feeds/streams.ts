/** Feeds over `streams`: one stream by id, all streams of an org. */
import { isTerminalStatus } from '../vocabulary.js';
import type { Stream } from '../types.js';
import { isRtError } from '../errors.js';
import { clampLimit, requireId, resolveOrg, type FeedDef } from './feed.js';

export const STREAMS_TABLE = 'streams' as const;
export type StreamRow = Stream;

const terminal = (row: Stream) => isTerminalStatus(row.goal_status);

export const streamFeed: FeedDef<'stream', Stream> = {
  feed: 'stream',
  table: STREAMS_TABLE,
  kind: 'single',
  key: (p) => `stream|${p.streamId}`,
  async resolve(p) {
    const id = requireId(p.streamId, 'stream id');
    if (isRtError(id)) return id;
    return { name: `stream:${id}:progress`, query: { table: STREAMS_TABLE, eq: [['id', id]], single: true } };
  },
  isTerminal: terminal,
};

export const orgStreamsFeed: FeedDef<'org-streams', Stream> = {
  feed: 'org-streams',
  table: STREAMS_TABLE,
  kind: 'list',
  key: (p) => `org-streams|${p.orgId ?? '@me'}|${clampLimit(p.limit, 100)}`,
  async resolve(p, ctx) {
    const org = await resolveOrg(p.orgId, ctx);
    if (isRtError(org)) return org;
    return {
      name: `streams:${org}`,
      query: {
        table: STREAMS_TABLE,
        eq: [['org_id', org]],
        order: { column: 'created_at', ascending: false },
        limit: clampLimit(p.limit, 100),
      },
    };
  },
  isTerminal: terminal,
};
