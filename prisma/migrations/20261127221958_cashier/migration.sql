-- CreateEnum
CREATE TYPE "PaymentKind" AS ENUM ('SINCERITY', 'DEPOSIT', 'DOWN_PAYMENT', 'OTHER', 'REFUND');

-- CreateEnum
CREATE TYPE "PaymentMethod" AS ENUM ('CASH', 'BANK_CARD', 'TRANSFER', 'WECHAT', 'ALIPAY', 'CHEQUE', 'CONVERSION');

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('RECORDED', 'VOIDED', 'CONVERTED', 'REFUNDED');

-- CreateEnum
CREATE TYPE "ReceiptBookStatus" AS ENUM ('ACTIVE', 'CLOSED');

-- CreateEnum
CREATE TYPE "ReceiptStatus" AS ENUM ('ISSUED', 'VOIDED');

-- CreateEnum
CREATE TYPE "VoidRequestStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "DocumentKind" AS ENUM ('RECEIPT', 'AGREEMENT', 'PURCHASE_PLAN', 'DAY_END');

-- CreateEnum
CREATE TYPE "DocumentStatus" AS ENUM ('CURRENT', 'SUPERSEDED', 'VOIDED');

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "agreement_terms" TEXT,
ADD COLUMN     "deposit_window_minutes" INTEGER,
ADD COLUMN     "required_deposit_fen" BIGINT NOT NULL DEFAULT 5000000,
ADD COLUMN     "signing_days" INTEGER NOT NULL DEFAULT 7;

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN     "deposit_due_at" TIMESTAMPTZ(3),
ADD COLUMN     "deposit_paid_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "receipt_books" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "prefix" TEXT NOT NULL,
    "first_number" INTEGER NOT NULL,
    "last_number" INTEGER NOT NULL,
    "next_number" INTEGER NOT NULL,
    "digits" INTEGER NOT NULL DEFAULT 6,
    "cashier_id" UUID,
    "status" "ReceiptBookStatus" NOT NULL DEFAULT 'ACTIVE',
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "receipt_books_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payments" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "kind" "PaymentKind" NOT NULL,
    "amount" BIGINT NOT NULL,
    "payer_name" TEXT NOT NULL,
    "payer_phone" TEXT,
    "subscription_id" UUID,
    "registration_id" UUID,
    "status" "PaymentStatus" NOT NULL DEFAULT 'RECORDED',
    "idempotency_key" TEXT NOT NULL,
    "cashier_id" UUID NOT NULL,
    "business_date" DATE NOT NULL,
    "day_close_id" UUID,
    "converted_from_id" UUID,
    "corrects_id" UUID,
    "note" TEXT,
    "voided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_lines" (
    "id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "method" "PaymentMethod" NOT NULL,
    "amount" BIGINT NOT NULL,
    "reference" TEXT,

    CONSTRAINT "payment_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "receipts" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "book_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "payment_id" UUID NOT NULL,
    "status" "ReceiptStatus" NOT NULL DEFAULT 'ISSUED',
    "void_reason" TEXT,
    "voided_at" TIMESTAMPTZ(3),
    "print_count" INTEGER NOT NULL DEFAULT 0,
    "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "receipts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "void_requests" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "receipt_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "VoidRequestStatus" NOT NULL DEFAULT 'PENDING',
    "requested_by_id" UUID NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "decision_note" TEXT,

    CONSTRAINT "void_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "documents" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "kind" "DocumentKind" NOT NULL,
    "entity_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "DocumentStatus" NOT NULL DEFAULT 'CURRENT',
    "variant" TEXT NOT NULL DEFAULT 'A4',
    "title" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "pdf" BYTEA NOT NULL,
    "pages" INTEGER NOT NULL DEFAULT 1,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "documents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "day_closes" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "cashier_id" UUID NOT NULL,
    "business_date" DATE NOT NULL,
    "totals" JSONB NOT NULL,
    "closed_by_id" UUID NOT NULL,
    "closed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "day_closes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "receipt_books_project_id_prefix_idx" ON "receipt_books"("project_id", "prefix");

-- CreateIndex
CREATE UNIQUE INDEX "payments_converted_from_id_key" ON "payments"("converted_from_id");

-- CreateIndex
CREATE INDEX "payments_project_id_business_date_cashier_id_idx" ON "payments"("project_id", "business_date", "cashier_id");

-- CreateIndex
CREATE INDEX "payments_subscription_id_idx" ON "payments"("subscription_id");

-- CreateIndex
CREATE INDEX "payments_registration_id_idx" ON "payments"("registration_id");

-- CreateIndex
CREATE UNIQUE INDEX "payments_project_id_idempotency_key_key" ON "payments"("project_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "payment_lines_payment_id_idx" ON "payment_lines"("payment_id");

-- CreateIndex
CREATE UNIQUE INDEX "receipts_payment_id_key" ON "receipts"("payment_id");

-- CreateIndex
CREATE UNIQUE INDEX "receipts_book_id_number_key" ON "receipts"("book_id", "number");

-- CreateIndex
CREATE UNIQUE INDEX "receipts_project_id_label_key" ON "receipts"("project_id", "label");

-- CreateIndex
CREATE INDEX "void_requests_project_id_status_idx" ON "void_requests"("project_id", "status");

-- CreateIndex
CREATE INDEX "documents_project_id_kind_created_at_idx" ON "documents"("project_id", "kind", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "documents_kind_entity_id_variant_version_key" ON "documents"("kind", "entity_id", "variant", "version");

-- CreateIndex
CREATE UNIQUE INDEX "day_closes_project_id_cashier_id_business_date_key" ON "day_closes"("project_id", "cashier_id", "business_date");

-- AddForeignKey
ALTER TABLE "receipt_books" ADD CONSTRAINT "receipt_books_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_registration_id_fkey" FOREIGN KEY ("registration_id") REFERENCES "registrations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_converted_from_id_fkey" FOREIGN KEY ("converted_from_id") REFERENCES "payments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_corrects_id_fkey" FOREIGN KEY ("corrects_id") REFERENCES "payments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_day_close_id_fkey" FOREIGN KEY ("day_close_id") REFERENCES "day_closes"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_lines" ADD CONSTRAINT "payment_lines_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_book_id_fkey" FOREIGN KEY ("book_id") REFERENCES "receipt_books"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "void_requests" ADD CONSTRAINT "void_requests_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "void_requests" ADD CONSTRAINT "void_requests_receipt_id_fkey" FOREIGN KEY ("receipt_id") REFERENCES "receipts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "documents" ADD CONSTRAINT "documents_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "day_closes" ADD CONSTRAINT "day_closes_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
