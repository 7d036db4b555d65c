import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import { sendError } from '../http/http-errors';
import type { OperationHandlers } from '../http/operations';
import { HttpError } from '../wire/errors';
import { parse } from 'yaml';

/** The REST contract (OpenAPI 3.1), source in openapi/picus.yaml; `npm run build` copies it next to dist/app. */
export const OPENAPI_FILE = join(__dirname, '..', '..', 'openapi', 'picus.yaml');

/**
 * GET /openapi.yaml and /openapi.json: the published REST contract, always. GET /docs outside production: a
 * reference page (Swagger UI, from the swagger-ui-dist package, served from here: no CDN, so it works offline)
 * whose "Try it out" calls this API. The page is a development tool; the production image does not even ship it.
 */
export function openApiHandlers(deps: { isProduction: boolean }): OperationHandlers {
  const yamlText = readFileSync(OPENAPI_FILE, 'utf8');
  const json = JSON.stringify(parse(yamlText));
  const documents: OperationHandlers = {
    openapiYaml: (_req: Request, res: Response) => void res.type('application/yaml').send(yamlText),
    openapiJson: (_req: Request, res: Response) => void res.type('application/json').send(json),
  };
  if (deps.isProduction) return documents;
  // A devDependency: required only here, outside production.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const assets = (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();
  const referenceAsset = (req: Request, res: Response): void => {
    // Only the files the page loads: the asset folder holds more, none of which is catalogued.
    const asset = req.params.asset as string;
    if (!REFERENCE_ASSETS.has(asset)) return void sendError(res, new HttpError('NOT_FOUND'));
    res.sendFile(asset, { root: assets, dotfiles: 'deny' });
  };
  return { ...documents, referencePage: (_req: Request, res: Response) => void res.type('html').send(DOCS_PAGE), referenceAsset };
}

const REFERENCE_ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js']);

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Picus REST API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="api"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    // The spec this service serves; "Try it out" calls the origin the page came from (the local ALB under npm start).
    window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api', deepLinking: true, tryItOutEnabled: true, persistAuthorization: true });
  </script>
</body>
</html>
`;
