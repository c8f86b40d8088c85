/**
 * The link's state machine as a table: every (state, event) pair that moves, and the connection
 * status derived from each state.
 */
import { expect } from '@open-wc/testing';
import { LINK_TRANSITIONS, linkStatus, nextLinkState, type LinkEvent, type LinkState } from '../../src/core/link.js';

const STATES = Object.keys(LINK_TRANSITIONS) as LinkState[];
const EVENTS: LinkEvent[] = ['connecting', 'open', 'close', 'error', 'retry', 'retry-again', 'retry-due', 'heartbeat-late', 'heartbeat-ok', 'dispose'];

/** The expected table, written out by hand: [from, event, to]. Pairs not listed keep the state. */
const MOVES: Array<[LinkState, LinkEvent, LinkState]> = [
  ['idle', 'connecting', 'opening'],
  ['idle', 'open', 'open'],
  ['idle', 'error', 'unreachable'],
  ['idle', 'retry', 'opening'],
  ['idle', 'retry-again', 'unreachable'],
  ['opening', 'open', 'open'],
  ['opening', 'error', 'unreachable'],
  ['opening', 'retry-again', 'unreachable'],
  ['unreachable', 'open', 'open'],
  ['open', 'heartbeat-late', 'late'],
  ['open', 'close', 'waiting'],
  ['open', 'retry', 'waiting'],
  ['open', 'retry-again', 'waiting'],
  ['open', 'connecting', 'reconnecting'],
  ['late', 'heartbeat-ok', 'open'],
  ['late', 'open', 'open'],
  ['late', 'close', 'waiting'],
  ['late', 'retry', 'waiting'],
  ['late', 'retry-again', 'waiting'],
  ['late', 'connecting', 'reconnecting'],
  ['waiting', 'retry-due', 'reconnecting'],
  ['waiting', 'connecting', 'reconnecting'],
  ['waiting', 'open', 'open'],
  ['reconnecting', 'open', 'open'],
  ['reconnecting', 'retry', 'waiting'],
  ['reconnecting', 'retry-again', 'waiting'],
  ...(['idle', 'opening', 'unreachable', 'open', 'late', 'waiting', 'reconnecting'] as LinkState[]).map((s): [LinkState, LinkEvent, LinkState] => [s, 'dispose', 'closed']),
];

describe('Link state machine', () => {
  it('moves exactly as the table says for every state and event', () => {
    for (const from of STATES) {
      for (const event of EVENTS) {
        const row = MOVES.find(([f, e]) => f === from && e === event);
        expect(nextLinkState(from, event), `${from} --${event}-->`).to.equal(row ? row[2] : from);
      }
    }
  });

  it('a disposed link never moves again', () => {
    for (const event of EVENTS) expect(nextLinkState('closed', event)).to.equal('closed');
  });

  it('derives the connection status from the link state and the channels', () => {
    const none = { any: false, ready: false, failed: false };
    const waitingChannels = { any: true, ready: false, failed: false };
    const ready = { any: true, ready: true, failed: false };
    const refused = { any: true, ready: false, failed: true };
    const rows: Array<[LinkState, typeof none, string]> = [
      ['idle', none, 'disconnected'],
      ['idle', waitingChannels, 'connecting'],
      // Broadcast mode: refused its topics by the configuration, with no channel (QA37 N5).
      ['idle', { any: false, ready: false, failed: true }, 'error'],
      ['opening', waitingChannels, 'connecting'],
      ['unreachable', waitingChannels, 'error'],
      ['open', waitingChannels, 'connecting'],
      ['open', ready, 'connected'],
      ['open', refused, 'error'],
      ['late', waitingChannels, 'connecting'],
      ['late', ready, 'connecting'],
      ['late', { any: false, ready: true, failed: false }, 'connecting'],
      ['late', refused, 'error'],
      ['waiting', ready, 'disconnected'],
      ['reconnecting', waitingChannels, 'connecting'],
      ['closed', ready, 'disconnected'],
    ];
    for (const [state, channels, status] of rows) expect(linkStatus(state, channels), `${state} ${JSON.stringify(channels)}`).to.equal(status);
  });
});
