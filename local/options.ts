/**
 * What `npm start` adds to the service's configuration: where the parts of the local system run. Read here, beside
 * the local system, not in app/core/config.ts: none of it exists in AWS, and the service and the Lambda bundle
 * never see it. The same reader as the service's configuration, so problems are named the same way.
 */
import { ConfigError, envReader, type Env } from '../app/core/config';

export interface LocalSystemOptions {
  /** Folder of the embedded DynamoDB's data (PICUS_DATA_DIR, default .data); undefined ("memory"): kept in memory. */
  dataDir: string | undefined;
  /** The embedded DynamoDB's port (DYNAMODB_PORT); 0: any free one. Unused with DYNAMODB_ENDPOINT. */
  dynamodbPort: number;
  /** The local ALB's port (ALB_PORT, default 8080). */
  albPort: number;
  /** The local issuer's port (ISSUER_PORT, default 8090); it runs unless AUTH_MODE=off or AUTH_ISSUER names another. */
  issuerPort: number;
  /** The local Lambda Invoke API's port (LAMBDA_PORT); 0: any free one. */
  lambdaPort: number;
  /** The interface every listener binds (PICUS_HOST, default 127.0.0.1; 0.0.0.0 opens them to the network). */
  host: string;
}

export function loadLocalSystemOptions(env: Env): LocalSystemOptions {
  const problems: string[] = [];
  const { read, int } = envReader(env, problems);
  const dataDir = read('PICUS_DATA_DIR') ?? '.data';
  const options: LocalSystemOptions = {
    dataDir: dataDir === 'memory' ? undefined : dataDir,
    dynamodbPort: int('DYNAMODB_PORT', 0, 0, 65535),
    albPort: int('ALB_PORT', 8080, 0, 65535),
    issuerPort: int('ISSUER_PORT', 8090, 0, 65535),
    lambdaPort: int('LAMBDA_PORT', 0, 0, 65535),
    host: read('PICUS_HOST') ?? '127.0.0.1',
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return options;
}
