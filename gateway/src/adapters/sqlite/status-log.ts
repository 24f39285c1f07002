import type Database from 'better-sqlite3';
import type { StatusEvent, StatusLog } from '../../ports/status-log.js';
import { migrate } from './database.js';

const MIGRATIONS = [
  `CREATE TABLE status_events (
     id INTEGER PRIMARY KEY AUTOINCREMENT, received_at INTEGER NOT NULL, site TEXT NOT NULL, node TEXT NOT NULL,
     device TEXT, state TEXT NOT NULL, t INTEGER NOT NULL, body TEXT NOT NULL
   );
   CREATE INDEX status_events_device ON status_events (device, id);
   CREATE INDEX status_events_node ON status_events (node, id);`,
];

interface Row { received_at: number; site: string; node: string; device: string | null; state: string; t: number; body: string }

export class SqliteStatusLog implements StatusLog {
  private readonly insert: Database.Statement;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'status-log', MIGRATIONS);
    this.insert = db.prepare('INSERT INTO status_events (received_at, site, node, device, state, t, body) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  append(e: StatusEvent): Promise<void> {
    this.insert.run(e.receivedAt, e.site, e.node, e.device, e.state, e.time, e.body);
    return Promise.resolve();
  }

  list(f: { device?: string; node?: string; limit: number }): Promise<StatusEvent[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (f.device !== undefined) { where.push('device = ?'); params.push(f.device); }
    if (f.node !== undefined) { where.push('node = ?'); params.push(f.node); }
    params.push(f.limit);
    const rows = this.db.prepare(`SELECT * FROM status_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`).all(...params) as Row[];
    return Promise.resolve(rows.map((r) => ({ receivedAt: r.received_at, site: r.site, node: r.node, device: r.device, state: r.state, time: r.t, body: r.body })));
  }
}
