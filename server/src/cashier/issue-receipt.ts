/**
 * Numbering a payment's receipt 收据 from the cashier's receipt book, gapless and never twice.
 * docs/cashier.md "Numbering 收据本: the guarantee and why".
 */
import { AppError, receiptLabel } from '@kaipan/shared';
import type { Tx } from '../infra/db.js';

export interface IssuedReceipt {
  id: string;
  bookId: string;
  number: number;
  label: string;
}

/**
 * The receipt of a payment, numbered from the cashier's ACTIVE book: ONE statement takes the book's
 * next number under its row lock (`UPDATE … SET next_number = next_number + 1 … WHERE status =
 * 'ACTIVE' AND next_number <= last_number RETURNING next_number - 1`) and inserts the receipt. The
 * increment commits or rolls back with the payment, so numbers are issued without gaps and never
 * twice, with any number of cashiers and retries; the lock is held only from here to the commit.
 * No active book, or a used-up one → CONFLICT (the caller's transaction rolls back: nothing written).
 */
export async function issueReceipt(
  tx: Tx,
  projectId: string,
  cashierId: string,
  paymentId: string,
  at: Date,
): Promise<IssuedReceipt> {
  const rows = await tx.$queryRaw<{ id: string; book_id: string; number: number; label: string }[]>`
    WITH book AS (
      UPDATE receipt_books SET next_number = next_number + 1
      WHERE project_id = ${projectId}::uuid AND cashier_id = ${cashierId}::uuid AND status = 'ACTIVE'
        AND next_number <= last_number
      RETURNING id, prefix, digits, next_number - 1 AS number
    )
    INSERT INTO receipts (id, project_id, book_id, number, label, payment_id, issued_at)
    SELECT gen_random_uuid(), ${projectId}::uuid, book.id, book.number, book.prefix || lpad(book.number::text, greatest(book.digits, length(book.number::text)), '0'),
           ${paymentId}::uuid, ${at}
    FROM book
    RETURNING id::text AS id, book_id::text AS book_id, number, label`;
  const got = rows[0];
  if (got) return { id: got.id, bookId: got.book_id, number: Number(got.number), label: got.label };
  const active = await tx.receiptBook.findFirst({
    where: { projectId, cashierId, status: 'ACTIVE' },
    select: { id: true, prefix: true, lastNumber: true, digits: true },
  });
  if (active) {
    throw new AppError(
      'CONFLICT',
      `Receipt book ${active.prefix} is used up (last number ${receiptLabel(active.prefix, active.lastNumber, active.digits)}); ask a manager for a new book. Nothing was recorded.`,
      {
        reason: 'RECEIPT_BOOK_EXHAUSTED',
        bookId: active.id,
      },
    );
  }
  throw new AppError(
    'CONFLICT',
    'You have no active receipt book; ask a manager to assign one. Nothing was recorded.',
    { reason: 'NO_RECEIPT_BOOK' },
  );
}
