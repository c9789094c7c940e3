-- CreateEnum
CREATE TYPE "RefundState" AS ENUM ('NONE', 'DUE', 'DONE');

-- CreateEnum
CREATE TYPE "PriceListStatus" AS ENUM ('PENDING', 'ACTIVE', 'SUPERSEDED', 'REJECTED');

-- CreateEnum
CREATE TYPE "PriceListSource" AS ENUM ('INITIAL', 'REPRICE', 'IMPORT');

-- CreateEnum
CREATE TYPE "DiscountKind" AS ENUM ('STANDARD', 'IDENTITY', 'PROMOTION', 'PAYMENT_METHOD');

-- CreateEnum
CREATE TYPE "ApprovalStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED', 'USED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ChangeKind" AS ENUM ('UNIT_CHANGE', 'CANCEL', 'BUYER_CHANGE', 'PRICE_CHANGE');

-- CreateEnum
CREATE TYPE "ChangeStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED', 'EXECUTED', 'WITHDRAWN');

-- AlterEnum
ALTER TYPE "SubscriptionStatus" ADD VALUE 'CHANGED';

-- AlterTable
ALTER TABLE "customers" ADD COLUMN     "identity_tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "approval_hold_seconds" INTEGER NOT NULL DEFAULT 600,
ADD COLUMN     "price_version" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "price_version_counter" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "pricing_policy" JSONB NOT NULL DEFAULT '{"stacking":"MULTIPLY_IN_ORDER","maxTotalDiscountBp":1000,"rounding":{"unit":"YUAN","mode":"HALF_UP"}}';

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN     "approval_id" UUID,
ADD COLUMN     "breakdown" JSONB,
ADD COLUMN     "close_reason" TEXT,
ADD COLUMN     "closed_at" TIMESTAMPTZ(3),
ADD COLUMN     "floor_price" BIGINT,
ADD COLUMN     "list_price" BIGINT,
ADD COLUMN     "plan_id" UUID,
ADD COLUMN     "price_version" INTEGER,
ADD COLUMN     "refund_state" "RefundState" NOT NULL DEFAULT 'NONE',
ADD COLUMN     "replaces_id" UUID,
ADD COLUMN     "schedule" JSONB,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "price_lists" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "PriceListStatus" NOT NULL DEFAULT 'PENDING',
    "source" "PriceListSource" NOT NULL,
    "note" TEXT,
    "request" JSONB,
    "base_version" INTEGER,
    "unit_count" INTEGER NOT NULL,
    "changed_count" INTEGER NOT NULL DEFAULT 0,
    "requested_by_id" UUID,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "decision_note" TEXT,
    "activated_at" TIMESTAMPTZ(3),

    CONSTRAINT "price_lists_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "price_list_entries" (
    "price_list_id" UUID NOT NULL,
    "unit_id" UUID NOT NULL,
    "list_price" BIGINT NOT NULL,
    "floor_price" BIGINT NOT NULL,

    CONSTRAINT "price_list_entries_pkey" PRIMARY KEY ("price_list_id","unit_id")
);

-- CreateTable
CREATE TABLE "discount_rules" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "kind" "DiscountKind" NOT NULL,
    "name" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "rate_bp" INTEGER,
    "amount_off_fen" BIGINT,
    "valid_from" TIMESTAMPTZ(3),
    "valid_to" TIMESTAMPTZ(3),
    "payment_methods" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "identity_tag" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "discount_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_plans" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "terms" JSONB NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "price_approvals" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "unit_id" UUID NOT NULL,
    "lock_token" BIGINT NOT NULL,
    "consultant_id" UUID NOT NULL,
    "registration_id" UUID,
    "buyer_name" TEXT,
    "plan_id" UUID NOT NULL,
    "discount_ids" TEXT[],
    "identity_tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "price_version" INTEGER NOT NULL,
    "list_price" BIGINT NOT NULL,
    "floor_price" BIGINT NOT NULL,
    "final_price" BIGINT NOT NULL,
    "breakdown" JSONB NOT NULL,
    "note" TEXT NOT NULL,
    "status" "ApprovalStatus" NOT NULL DEFAULT 'PENDING',
    "hold_until" TIMESTAMPTZ(3) NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "decision_note" TEXT,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "price_approvals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "change_requests" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "subscription_id" UUID NOT NULL,
    "kind" "ChangeKind" NOT NULL,
    "status" "ChangeStatus" NOT NULL DEFAULT 'PENDING',
    "reason" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "preview" JSONB,
    "requested_by_id" UUID NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "decision_note" TEXT,
    "executed_by_id" UUID,
    "executed_at" TIMESTAMPTZ(3),
    "result" JSONB,

    CONSTRAINT "change_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "price_lists_project_id_status_idx" ON "price_lists"("project_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "price_lists_project_id_version_key" ON "price_lists"("project_id", "version");

-- CreateIndex
CREATE INDEX "price_list_entries_unit_id_idx" ON "price_list_entries"("unit_id");

-- CreateIndex
CREATE UNIQUE INDEX "discount_rules_project_id_code_key" ON "discount_rules"("project_id", "code");

-- CreateIndex
CREATE UNIQUE INDEX "payment_plans_project_id_code_key" ON "payment_plans"("project_id", "code");

-- CreateIndex
CREATE INDEX "price_approvals_unit_id_lock_token_idx" ON "price_approvals"("unit_id", "lock_token");

-- CreateIndex
CREATE INDEX "price_approvals_project_id_status_idx" ON "price_approvals"("project_id", "status");

-- CreateIndex
CREATE INDEX "change_requests_project_id_status_idx" ON "change_requests"("project_id", "status");

-- CreateIndex
CREATE INDEX "change_requests_subscription_id_idx" ON "change_requests"("subscription_id");

-- CreateIndex
CREATE UNIQUE INDEX "subscriptions_approval_id_key" ON "subscriptions"("approval_id");

-- CreateIndex
CREATE UNIQUE INDEX "subscriptions_replaces_id_key" ON "subscriptions"("replaces_id");

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "payment_plans"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_replaces_id_fkey" FOREIGN KEY ("replaces_id") REFERENCES "subscriptions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "price_lists" ADD CONSTRAINT "price_lists_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "price_list_entries" ADD CONSTRAINT "price_list_entries_price_list_id_fkey" FOREIGN KEY ("price_list_id") REFERENCES "price_lists"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "price_list_entries" ADD CONSTRAINT "price_list_entries_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "discount_rules" ADD CONSTRAINT "discount_rules_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_plans" ADD CONSTRAINT "payment_plans_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "price_approvals" ADD CONSTRAINT "price_approvals_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "price_approvals" ADD CONSTRAINT "price_approvals_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
