/** Feeds over `acquisition_scans`: one scan by id, a user's recent scans. */
import { isTerminalStatus } from '../vocabulary.js';
import type { AcquisitionScan } from '../types.js';
import { isRtError } from '../errors.js';
import { clampLimit, requireId, resolveUser, type FeedDef } from './feed.js';

export const SCANS_TABLE = 'acquisition_scans' as const;
export type ScanRow = AcquisitionScan;

const terminal = (row: AcquisitionScan) => isTerminalStatus(row.status);

export const scanFeed: FeedDef<'scan', AcquisitionScan> = {
  feed: 'scan',
  table: SCANS_TABLE,
  kind: 'single',
  key: (p) => `scan|${p.scanId}`,
  async resolve(p) {
    const id = requireId(p.scanId, 'scan id');
    if (isRtError(id)) return id;
    return { name: `scan:${id}:progress`, query: { table: SCANS_TABLE, eq: [['id', id]], single: true } };
  },
  isTerminal: terminal,
};

export const userScansFeed: FeedDef<'user-scans', AcquisitionScan> = {
  feed: 'user-scans',
  table: SCANS_TABLE,
  kind: 'list',
  key: (p) => `user-scans|${p.userId ?? '@me'}|${clampLimit(p.limit, 20)}`,
  async resolve(p, ctx) {
    const user = await resolveUser(p.userId, ctx);
    if (isRtError(user)) return user;
    return {
      name: `scans:${user}`,
      query: {
        table: SCANS_TABLE,
        eq: [['user_id', user]],
        order: { column: 'created_at', ascending: false },
        limit: clampLimit(p.limit, 20),
      },
    };
  },
  isTerminal: terminal,
};
