// The store's SQLite driver: the shared sqlite3 connection (shared/sqlite-connection.ts). See sqlite-port.ts for the contract.
import { SqliteConnection } from '../../shared/sqlite-connection.js';
import type { SqliteDriverFactory } from './sqlite-port.js';

export const sqlite3Driver: SqliteDriverFactory = {
  open: (path, options = {}) => SqliteConnection.open(path, options),
};
