/**
 * The backup archive: ONE gzip file of tagged lines, written and read as a stream (a 20,000-unit
 * project never sits in memory whole).
 *
 *   M\t{manifest}            first line: what this is (BackupManifest) — `zcat file | head -1`
 *   T\t{"table":"units"}     the rows that follow belong to this table
 *   R\t{row}                 one row as PostgreSQL's row_to_json wrote it
 *   F\t{"name","base64"}     a data file of the install (e.g. the demo mode's auth-secret)
 *   E\t{trailer}             last line: row counts and the SHA-256 of every line before it
 *
 * The trailer makes a truncated or altered archive fail its restore before anything is committed.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';

export const ARCHIVE_FORMAT = 'kaipan-backup';
export const ARCHIVE_FORMAT_VERSION = 1;

/** What a backup holds, written first so an operator can read it without restoring. */
export interface BackupManifest {
  format: typeof ARCHIVE_FORMAT;
  formatVersion: number;
  /** package.json version and, when known, the git commit of the Kaipan that wrote it. */
  kaipanVersion: string;
  commit: string | null;
  createdAt: string;
  /** `embedded` (KAIPAN_DATA_DIR's PostgreSQL) or `DATABASE_URL`, and the server's version. */
  source: string;
  postgresVersion: string;
  /** Applied migrations, in order: the schema the rows fit. */
  migrations: string[];
  projects: Array<{ id: string; code: string; name: string; rehearsalOfId: string | null }>;
  /** Each audit chain's sealed head at the moment of the backup (`events:hash16`; null = the install's chain). */
  auditChainHeads: Array<{ projectId: string | null; events: number; hash: string; reference: string }>;
  tables: string[];
  files: string[];
}

export interface BackupTrailer {
  rows: Record<string, number>;
  files: number;
  sha256: string;
}

export type ArchiveLine =
  | { tag: 'T'; table: string }
  | { tag: 'R'; json: string }
  | { tag: 'F'; name: string; content: Buffer };

export class ArchiveError extends Error {}

/** Writes an archive; `close()` appends the trailer and resolves once the file is on disk. */
export class ArchiveWriter {
  private readonly gzip: Gzip;
  private readonly hash: Hash = createHash('sha256');
  private readonly done: Promise<unknown>;
  private readonly rows: Record<string, number> = {};
  private files = 0;
  private table: string | null = null;

  constructor(path: string, manifest: BackupManifest) {
    this.gzip = createGzip();
    const out = createWriteStream(path, { mode: 0o600 }); // buyers' data and secrets: the operator's eyes only
    this.gzip.pipe(out);
    this.done = once(out, 'finish');
    void this.line('M', JSON.stringify(manifest)); // the first write: nothing to wait for yet
  }

  private async line(tag: string, body: string): Promise<void> {
    const text = `${tag}\t${body}\n`;
    this.hash.update(text);
    if (!this.gzip.write(text)) await once(this.gzip, 'drain');
  }

  async startTable(table: string): Promise<void> {
    this.table = table;
    this.rows[table] = 0;
    await this.line('T', JSON.stringify({ table }));
  }

  /** `json`: one row_to_json text (no newline inside: JSON escapes them). */
  async row(json: string): Promise<void> {
    if (this.table === null) throw new ArchiveError('row before table');
    this.rows[this.table]! += 1;
    await this.line('R', json);
  }

  async file(name: string, content: Buffer): Promise<void> {
    this.files += 1;
    await this.line('F', JSON.stringify({ name, base64: content.toString('base64') }));
  }

  async close(): Promise<BackupTrailer> {
    const trailer: BackupTrailer = { rows: this.rows, files: this.files, sha256: this.hash.digest('hex') };
    this.gzip.end(`E\t${JSON.stringify(trailer)}\n`);
    await this.done;
    return trailer;
  }
}

/** The manifest alone (first line), without reading further. */
export async function readManifest(path: string): Promise<BackupManifest> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  try {
    for await (const text of lines) return parseManifest(text);
    throw new ArchiveError('empty archive');
  } finally {
    lines.close();
  }
}

function parseManifest(text: string): BackupManifest {
  if (!text.startsWith('M\t')) throw new ArchiveError('not a Kaipan backup (no manifest line)');
  const manifest = JSON.parse(text.slice(2)) as BackupManifest;
  if (manifest.format !== ARCHIVE_FORMAT) throw new ArchiveError('not a Kaipan backup');
  if (manifest.formatVersion !== ARCHIVE_FORMAT_VERSION)
    throw new ArchiveError(`backup format ${manifest.formatVersion}: this Kaipan reads ${ARCHIVE_FORMAT_VERSION}`);
  return manifest;
}

/**
 * Reads an archive: the manifest, then every line in order to `onLine`; resolves with the trailer
 * once the checksum and the counts matched (throws ArchiveError otherwise — a caller inside a
 * transaction rolls back).
 */
export async function readArchive(
  path: string,
  onManifest: (manifest: BackupManifest) => Promise<void>,
  onLine: (line: ArchiveLine) => Promise<void>,
): Promise<BackupTrailer> {
  const hash = createHash('sha256');
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  const rows: Record<string, number> = {};
  let files = 0;
  let table: string | null = null;
  let first = true;
  for await (const text of lines) {
    if (first) {
      first = false;
      await onManifest(parseManifest(text));
      hash.update(`${text}\n`);
      continue;
    }
    const tag = text.slice(0, 2);
    if (tag === 'E\t') {
      const trailer = JSON.parse(text.slice(2)) as BackupTrailer;
      if (trailer.sha256 !== hash.digest('hex')) throw new ArchiveError('checksum mismatch: the archive was altered');
      for (const [name, n] of Object.entries(trailer.rows))
        if ((rows[name] ?? 0) !== n)
          throw new ArchiveError(`table ${name}: ${rows[name] ?? 0} rows read, ${n} written`);
      if (files !== trailer.files) throw new ArchiveError(`${files} files read, ${trailer.files} written`);
      return trailer;
    }
    hash.update(`${text}\n`);
    const body = text.slice(2);
    if (tag === 'R\t') {
      if (table === null) throw new ArchiveError('row before table');
      rows[table]! += 1;
      await onLine({ tag: 'R', json: body });
    } else if (tag === 'T\t') {
      table = (JSON.parse(body) as { table: string }).table;
      rows[table] = 0;
      await onLine({ tag: 'T', table });
    } else if (tag === 'F\t') {
      const file = JSON.parse(body) as { name: string; base64: string };
      files += 1;
      await onLine({ tag: 'F', name: file.name, content: Buffer.from(file.base64, 'base64') });
    } else throw new ArchiveError(`unknown line "${tag.trim()}"`);
  }
  throw new ArchiveError(first ? 'empty archive' : 'truncated archive (no trailer)');
}
