-- Cashier (issue 6), hand-written: rules Prisma's schema language cannot express.

-- One ACTIVE receipt book per cashier per project (receipts are numbered from it).
CREATE UNIQUE INDEX "receipt_books_one_active_per_cashier" ON "receipt_books"("project_id", "cashier_id")
  WHERE "status" = 'ACTIVE' AND "cashier_id" IS NOT NULL;
-- One pending void request per receipt; one CURRENT document per (kind, entity, paper variant).
CREATE UNIQUE INDEX "void_requests_one_pending" ON "void_requests"("receipt_id") WHERE "status" = 'PENDING';
CREATE UNIQUE INDEX "documents_one_current" ON "documents"("kind", "entity_id", "variant") WHERE "status" = 'CURRENT';

-- Money is positive whole fen; a book's range is not empty; its next number stays in [first, last + 1].
ALTER TABLE "payments" ADD CONSTRAINT "payments_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "payment_lines" ADD CONSTRAINT "payment_lines_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "receipt_books" ADD CONSTRAINT "receipt_books_range" CHECK ("first_number" >= 0 AND "first_number" <= "last_number"
  AND "next_number" >= "first_number" AND "next_number" <= "last_number" + 1 AND "digits" BETWEEN 1 AND 12);
