import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { listen } from '../app/http/listen';

export interface EmbeddedDynamo {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export interface EmbeddedDynamoOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** LevelDB folder to keep data in; in memory when unset. */
  path?: string;
}

/**
 * Starts dynalite, an embedded DynamoDB API server, in this process: no Java,
 * no Docker, millisecond start-up. Tables become ACTIVE at once.
 *
 * @example
 * const db = await startEmbeddedDynamo({ port: 0 });
 * // DYNAMODB_ENDPOINT=db.endpoint
 * await db.close();
 */
export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: options.path });
  const { port } = await listen(server, options.port ?? 0, host);
  return {
    endpoint: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error?: Error) => (error ? reject(error) : resolve()));
      }),
  };
}
