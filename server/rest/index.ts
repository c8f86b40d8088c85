// PLACEHOLDER (being written): PostgREST subset.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BackendContext } from '../context.ts';
import { HttpError } from '../http-util.ts';
export function createRestHandler(_ctx: BackendContext) {
  return async (_req: IncomingMessage, _res: ServerResponse, _url: URL): Promise<void> => {
    throw new HttpError(501, { message: 'not yet' });
  };
}
