// PLACEHOLDER (being written): Realtime.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BackendContext } from '../context.ts';
export function createRealtime(_ctx: BackendContext) {
  return {
    async start() {},
    async stop() {},
    dropAll(): number { return 0; },
    handleUpgrade(_req: IncomingMessage, socket: Duplex, _head: Buffer) { socket.destroy(); },
  };
}
