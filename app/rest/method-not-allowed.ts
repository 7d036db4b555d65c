import type { Request, Response } from 'express';
import { sendError } from '../http/http-errors';
import { HttpError } from '../wire/errors';

/** 405 with an `Allow` header and a JSON body (the original sent an HTML page); OPTIONS lists the methods. */
export function methodNotAllowed(allowed: readonly string[]) {
  const allow = [...allowed, 'OPTIONS'].join(', ');
  return (req: Request, res: Response): void => {
    if (req.method === 'OPTIONS') {
      res.set('Allow', allow).status(204).end();
      return;
    }
    sendError(res, new HttpError('METHOD_NOT_ALLOWED', `Method ${req.method} not allowed; use ${allowed.join(' or ')}`, { Allow: allow }));
  };
}
