import { openPostgresDatabase } from './postgres-database.js';
import { SqlCentralStorage } from './sql-storage.js';
import { openSqliteDatabase } from './sqlite-database.js';
import type { CentralStorage, StorageConfig } from './types.js';

/** Opens (and migrates) the configured engine. */
export async function openCentralStorage(config: StorageConfig): Promise<CentralStorage> {
  const db = config.engine === 'sqlite' ? await openSqliteDatabase(config.file) : await openPostgresDatabase(config.url, config.schema, config.pool);
  return new SqlCentralStorage(db);
}
