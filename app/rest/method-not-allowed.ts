import type { Request, Response } from 'express';

/** 405 with an `Allow` header and a JSON body (the original sent an HTML page); OPTIONS lists the methods. */
export function methodNotAllowed(allowed: readonly string[]) {
  const allow = [...allowed, 'OPTIONS'].join(', ');
  return (req: Request, res: Response): void => {
    res.set('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    res.status(405).json({ error: `Method ${req.method} not allowed; use ${allowed.join(' or ')}`, code: 'METHOD_NOT_ALLOWED' });
  };
}
