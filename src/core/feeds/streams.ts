/** Feeds over `streams`: one stream by id, all streams of an org. */
import { ACTIVE_STATUSES, TERMINAL_STATUSES } from '../vocabulary.js';
import type { Stream } from '../types.js';
import { defineFeed } from './feed.js';

export const STREAMS_TABLE = 'streams' as const;
export type StreamRow = Stream;

const terminal = { column: 'goal_status', values: TERMINAL_STATUSES } as const;

export const streamFeed = defineFeed<Stream, { streamId: string }>({
  name: 'stream',
  table: STREAMS_TABLE,
  kind: 'single',
  filters: [{ column: 'id', param: 'streamId', what: 'stream id' }],
  terminal,
  label: (v) => `stream:${v.id}:progress`,
});

export const orgStreamsFeed = defineFeed<Stream, { orgId?: string | null; limit?: number }>({
  name: 'org-streams',
  table: STREAMS_TABLE,
  kind: 'list',
  filters: [{ column: 'org_id', param: 'orgId', fallback: 'org' }],
  limit: 100,
  terminal,
  pinned: { column: 'goal_status', values: ACTIVE_STATUSES },
  label: (v) => `streams:${v.org_id}`,
});
