/**
 * Print-ready reports (docs/reports-print.md): the sales-control sheet 销控表, the price list 价目表 and
 * the daily report 日报, as PDF (drawn in a render thread through the document machinery: CJK fonts
 * with the rare-character fallback, the 演练 REHEARSAL watermark of a rehearsal) or as XLSX. Rendered
 * on request from the record as it is now; nothing is stored, so nothing is audited (a read).
 */
import { AppError, type SalesControlPaper, zonedDate } from '@kaipan/shared';
import type { UserPrincipal } from '../domain/principal.js';
import type { Db } from '../infra/db.js';
import type { FontOptions } from '../documents/fonts.js';
import type { ReportEnvelope } from '../documents/report-paper.js';
import { RenderPool } from '../jobs/render-pool.js';
import type { ProjectDirectory } from '../services/project-directory.js';
import type { SentFile } from '../http/send-file.js';
import { loadDailyReport } from './daily-data.js';
import { loadPriceList, loadSalesControl } from './sales-data.js';
import { dailyWorkbook, priceListWorkbook, salesControlWorkbook } from './workbooks.js';

export type ReportFormat = 'pdf' | 'xlsx';

const CONTENT_TYPE: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The audit chain head as printed, sealed first (chain-service `headForPrint`). */
export type ChainHeadForPrint = (
  projectId: string,
) => Promise<{ reference: string | null; hash: string | null; events: number }>;

export class PrintReportService {
  /** Draws the PDFs off the event loop (its thread starts on first use; close() ends it). */
  private readonly renderer: RenderPool;

  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
    private readonly chainHead: ChainHeadForPrint,
    fonts: FontOptions = {},
  ) {
    this.renderer = new RenderPool(fonts);
  }

  async close(): Promise<void> {
    await this.renderer.close();
  }

  async salesControl(
    user: UserPrincipal,
    projectId: string,
    query: { building?: string; paper: SalesControlPaper },
    format: ReportFormat,
    now = new Date(),
  ): Promise<SentFile> {
    const envelope = await this.envelope(user, projectId, now);
    const input = { ...envelope, paper: query.paper, ...(await loadSalesControl(this.db, projectId, query.building)) };
    const body =
      format === 'pdf'
        ? await this.renderer.renderReport({ kind: 'sales-control', input })
        : await salesControlWorkbook(input);
    return this.file(`销控表-${envelope.project.name}-${stamp(envelope)}`, format, body);
  }

  async priceList(
    user: UserPrincipal,
    projectId: string,
    query: { building?: string; batch?: string },
    format: ReportFormat,
    now = new Date(),
  ): Promise<SentFile> {
    const envelope = await this.envelope(user, projectId, now);
    const input = { ...envelope, ...(await loadPriceList(this.db, projectId, query)) };
    const body =
      format === 'pdf'
        ? await this.renderer.renderReport({ kind: 'price-list', input })
        : await priceListWorkbook(input);
    return this.file(`价目表-${envelope.project.name}-${stamp(envelope)}`, format, body);
  }

  /** The 日报 of a project-local day (default today there); the chain head is sealed and read last. */
  async daily(
    user: UserPrincipal,
    projectId: string,
    query: { date?: string },
    format: ReportFormat,
    now = new Date(),
  ): Promise<SentFile> {
    const envelope = await this.envelope(user, projectId, now);
    const tz = envelope.project.timezone;
    const date = query.date ?? zonedDate(now, tz);
    if (date > zonedDate(now, tz))
      throw new AppError('VALIDATION_FAILED', 'The day has not begun yet.', {
        issues: [{ path: 'date', message: 'must not be in the future' }],
      });
    const data = await loadDailyReport(this.db, this.directory, user, projectId, date, tz);
    // After the numbers were read: the printed head covers every event that led to them.
    const chainHead = await this.chainHead(projectId);
    const input = { ...envelope, ...data, chainHead };
    const body =
      format === 'pdf' ? await this.renderer.renderReport({ kind: 'daily-report', input }) : await dailyWorkbook(input);
    return this.file(`日报-${envelope.project.name}-${date}`, format, body);
  }

  private async envelope(user: UserPrincipal, projectId: string, now: Date): Promise<ReportEnvelope> {
    await this.directory.assertAccess(user, projectId);
    const p = await this.db.project.findUnique({
      where: { id: projectId },
      select: { name: true, nameEn: true, timezone: true, rehearsalOfId: true },
    });
    if (!p) throw new AppError('NOT_FOUND', 'Project not found.');
    return {
      project: {
        name: p.name,
        nameEn: p.nameEn,
        timezone: p.timezone,
        ...(p.rehearsalOfId ? { rehearsal: true } : {}),
      },
      printedAt: now.toISOString(),
    };
  }

  private file(name: string, format: ReportFormat, body: Buffer): SentFile {
    return { fileName: `${name}.${format}`, contentType: CONTENT_TYPE[format], body };
  }
}

/** 20261207: the printing day in the project's zone, for file names. */
function stamp(env: ReportEnvelope): string {
  return zonedDate(env.printedAt, env.project.timezone).replaceAll('-', '');
}
