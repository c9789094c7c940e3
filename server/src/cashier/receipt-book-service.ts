/**
 * Receipt books 收据本: a pre-numbered series (prefix + range) assigned to one cashier. Managers
 * create and close them; the payment services take numbers from the cashier's ACTIVE book
 * (issue-receipt.ts issueReceipt). docs/cashier.md "Numbering".
 */
import { AppError, CASHIER_ROLES, receiptLabel, type ReceiptBookBody, type ReceiptBookInfo } from '@kaipan/shared';
import type { Db } from '../infra/db.js';
import { roleOfRow, type Principal, type UserPrincipal } from '../domain/principal.js';
import { labelsCollide, remainingNumbers } from '../domain/receipt-numbers.js';
import { toAuditRow } from '../services/audit.js';
import { TX_OPTIONS, isUniqueViolation, managerOf, moneyStaff, type Client } from './common.js';
import { userNames } from './payment-views.js';
import type { ProjectDirectory } from '../services/project-directory.js';

type BookRow = {
  id: string;
  prefix: string;
  firstNumber: number;
  lastNumber: number;
  nextNumber: number;
  digits: number;
  cashierId: string | null;
  status: 'ACTIVE' | 'CLOSED';
  createdAt: Date;
};

export class ReceiptBookService {
  constructor(
    private readonly db: Db,
    private readonly directory: ProjectDirectory,
  ) {}

  private async infos(client: Client, rows: BookRow[]): Promise<ReceiptBookInfo[]> {
    const names = await userNames(
      client,
      rows.map((r) => r.cashierId),
    );
    return rows.map((b) => ({
      id: b.id,
      prefix: b.prefix,
      firstNumber: b.firstNumber,
      lastNumber: b.lastNumber,
      nextNumber: b.nextNumber,
      digits: b.digits,
      remaining: remainingNumbers(b),
      cashierId: b.cashierId,
      cashier: b.cashierId ? (names.get(b.cashierId) ?? '?') : null,
      status: b.status,
      createdAt: b.createdAt.toISOString(),
    }));
  }

  /**
   * A new book for a cashier. Under the project's row lock: its labels must not collide with any
   * book of the project (same prefix and overlapping range, or a longer prefix that prints the same
   * labels); the cashier's active book must be used up (then it is closed here) — one with numbers
   * left is a CONFLICT.
   */
  async create(principal: Principal, projectId: string, body: ReceiptBookBody): Promise<ReceiptBookInfo> {
    const user = await managerOf(this.directory, principal, projectId);
    const holder = await this.db.user.findUnique({
      where: { id: body.cashierId },
      select: {
        id: true,
        admin: true,
        active: true,
        displayName: true,
        memberships: { where: { projectId }, select: { role: true } },
      },
    });
    const role = holder ? roleOfRow(holder) : null;
    if (!holder || !holder.active || role === null || !CASHIER_ROLES.includes(role)) {
      throw new AppError('VALIDATION_FAILED', 'The cashier must be an active cashier (or manager) of this project.', [
        { path: 'cashierId', message: 'not a cashier of this project' },
      ]);
    }
    try {
      const id = await this.db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id::text AS id FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`;
        const books = await tx.receiptBook.findMany({ where: { projectId } });
        const clash = books.find((b) => labelsCollide(b, body));
        if (clash) {
          throw new AppError(
            'CONFLICT',
            `The range overlaps receipt book ${receiptLabel(clash.prefix, clash.firstNumber, clash.digits)}…${receiptLabel(clash.prefix, clash.lastNumber, clash.digits)}.`,
            {
              reason: 'RANGE_OVERLAP',
              bookId: clash.id,
            },
          );
        }
        const at = new Date();
        const active = books.find((b) => b.cashierId === body.cashierId && b.status === 'ACTIVE');
        if (active) {
          const left = remainingNumbers(active);
          if (left > 0) {
            throw new AppError(
              'CONFLICT',
              `${holder.displayName} still has an active receipt book with ${left} numbers left; close it first.`,
              {
                reason: 'ACTIVE_BOOK',
                bookId: active.id,
                remaining: left,
              },
            );
          }
          await tx.receiptBook.update({ where: { id: active.id }, data: { status: 'CLOSED', closedAt: at } });
          await tx.auditEvent.create({
            data: toAuditRow({
              projectId,
              actor: user,
              action: 'receipt_book.close',
              entity: 'receipt_book',
              entityId: active.id,
              at,
              before: { status: 'ACTIVE', remaining: 0 },
              after: { status: 'CLOSED', reason: 'used up' },
            }),
          });
        }
        const created = await tx.receiptBook.create({
          data: {
            projectId,
            prefix: body.prefix,
            firstNumber: body.firstNumber,
            lastNumber: body.lastNumber,
            nextNumber: body.firstNumber,
            digits: body.digits,
            cashierId: body.cashierId,
            createdById: user.id,
          },
        });
        await tx.auditEvent.create({
          data: toAuditRow({
            projectId,
            actor: user,
            action: 'receipt_book.create',
            entity: 'receipt_book',
            entityId: created.id,
            at,
            before: null,
            after: {
              prefix: body.prefix,
              firstNumber: body.firstNumber,
              lastNumber: body.lastNumber,
              digits: body.digits,
              cashierId: body.cashierId,
              cashier: holder.displayName,
            },
          }),
        });
        return created.id;
      }, TX_OPTIONS);
      return this.get(id);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('CONFLICT', 'The cashier was just given another active book; reload.', {
          reason: 'ACTIVE_BOOK',
        });
      throw error;
    }
  }

  private async get(id: string): Promise<ReceiptBookInfo> {
    const row = await this.db.receiptBook.findUnique({ where: { id } });
    if (!row) throw new AppError('NOT_FOUND', 'No such receipt book.');
    return (await this.infos(this.db, [row]))[0]!;
  }

  /** Managers: every book of the project; a cashier: their own. Active first. */
  async list(principal: Principal, projectId: string): Promise<ReceiptBookInfo[]> {
    const { user, readsAll: manager } = await moneyStaff(this.directory, principal, projectId, 'read');
    const rows = await this.db.receiptBook.findMany({
      where: { projectId, ...(manager ? {} : { cashierId: user.id }) },
      orderBy: [{ status: 'asc' }, { createdAt: 'desc' }],
      take: 500,
    });
    return this.infos(this.db, rows);
  }

  /** Managers close a book (unused numbers are never issued). Closing a closed book returns it. */
  async close(principal: Principal, bookId: string): Promise<ReceiptBookInfo> {
    const book = await this.db.receiptBook.findUnique({ where: { id: bookId } });
    if (!book) throw new AppError('NOT_FOUND', 'No such receipt book.');
    const user: UserPrincipal = await managerOf(this.directory, principal, book.projectId);
    if (book.status === 'CLOSED') return this.get(bookId);
    await this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ next_number: number }[]>`
        UPDATE receipt_books SET status = 'CLOSED', closed_at = now()
        WHERE id = ${bookId}::uuid AND status = 'ACTIVE' RETURNING next_number`;
      if (!rows[0]) return;
      const left = remainingNumbers({ nextNumber: Number(rows[0].next_number), lastNumber: book.lastNumber });
      await tx.auditEvent.create({
        data: toAuditRow({
          projectId: book.projectId,
          actor: user,
          action: 'receipt_book.close',
          entity: 'receipt_book',
          entityId: bookId,
          before: { status: 'ACTIVE', remaining: left },
          after: { status: 'CLOSED', unused: left },
        }),
      });
    }, TX_OPTIONS);
    return this.get(bookId);
  }
}
