-- CreateEnum
CREATE TYPE "NoShowRule" AS ENUM ('REQUEUE', 'DROP');

-- CreateEnum
CREATE TYPE "CustomerStatus" AS ENUM ('POTENTIAL', 'INTERESTED', 'SUBSCRIBED', 'SIGNED');

-- CreateEnum
CREATE TYPE "IntentClass" AS ENUM ('A', 'B', 'C');

-- CreateEnum
CREATE TYPE "DemandType" AS ENUM ('OWN_USE', 'INVESTMENT', 'UPGRADE');

-- CreateEnum
CREATE TYPE "SourceChannel" AS ENUM ('WALK_IN', 'REFERRAL', 'ONLINE', 'ADVERTISING', 'AGENT', 'OTHER');

-- CreateEnum
CREATE TYPE "FollowUpKind" AS ENUM ('CALL', 'VISIT', 'MESSAGE', 'NOTE');

-- CreateEnum
CREATE TYPE "RegistrationStatus" AS ENUM ('ACTIVE', 'CANCELLED');

-- CreateEnum
CREATE TYPE "TicketStatus" AS ENUM ('WAITING', 'CALLED', 'SERVED', 'NO_SHOW', 'DROPPED');

-- CreateEnum
CREATE TYPE "LotteryStatus" AS ENUM ('COMMITTED', 'DRAWN');

-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "entitlement_per_registration" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "no_show_requeue_after" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "no_show_rule" "NoShowRule" NOT NULL DEFAULT 'REQUEUE',
ADD COLUMN     "registration_counter" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "require_called" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "require_registration" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "selection_minutes" INTEGER NOT NULL DEFAULT 15;

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN     "customer_id" UUID,
ADD COLUMN     "registration_id" UUID;

-- CreateTable
CREATE TABLE "customers" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "id_number_cipher" TEXT,
    "id_number_masked" TEXT,
    "co_buyers" JSONB NOT NULL DEFAULT '[]',
    "intent" "IntentClass",
    "demand" "DemandType",
    "budget_min" BIGINT,
    "budget_max" BIGINT,
    "preferred_layouts" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "channel" "SourceChannel" NOT NULL DEFAULT 'WALK_IN',
    "owner_id" UUID,
    "status" "CustomerStatus" NOT NULL DEFAULT 'POTENTIAL',
    "version" INTEGER NOT NULL DEFAULT 1,
    "last_activity_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "follow_ups" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "consultant_id" UUID NOT NULL,
    "kind" "FollowUpKind" NOT NULL,
    "note" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "follow_ups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shortlist_items" (
    "customer_id" UUID NOT NULL,
    "unit_id" UUID NOT NULL,
    "rank" INTEGER NOT NULL,

    CONSTRAINT "shortlist_items_pkey" PRIMARY KEY ("customer_id","unit_id")
);

-- CreateTable
CREATE TABLE "registrations" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "status" "RegistrationStatus" NOT NULL DEFAULT 'ACTIVE',
    "deposit_paid" BOOLEAN NOT NULL DEFAULT false,
    "units_allowed" INTEGER NOT NULL,
    "units_used" INTEGER NOT NULL DEFAULT 0,
    "selection_starts_at" TIMESTAMPTZ(3),
    "selection_ends_at" TIMESTAMPTZ(3),
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registrations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "queue_categories" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "counter" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "queue_categories_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "queue_tickets" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "category_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "customer_id" UUID,
    "registration_id" UUID,
    "token" TEXT NOT NULL,
    "status" "TicketStatus" NOT NULL DEFAULT 'WAITING',
    "sort_key" INTEGER NOT NULL,
    "missed_count" INTEGER NOT NULL DEFAULT 0,
    "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "called_at" TIMESTAMPTZ(3),
    "done_at" TIMESTAMPTZ(3),

    CONSTRAINT "queue_tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lottery_draws" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "status" "LotteryStatus" NOT NULL DEFAULT 'COMMITTED',
    "entries" JSONB NOT NULL,
    "list_commitment" TEXT NOT NULL,
    "seed_commitment" TEXT NOT NULL,
    "seed" TEXT NOT NULL,
    "order" JSONB,
    "created_by_id" UUID NOT NULL,
    "committed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "drawn_at" TIMESTAMPTZ(3),

    CONSTRAINT "lottery_draws_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "customers_project_id_owner_id_idx" ON "customers"("project_id", "owner_id");

-- CreateIndex
CREATE INDEX "customers_project_id_name_idx" ON "customers"("project_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "customers_project_id_phone_key" ON "customers"("project_id", "phone");

-- CreateIndex
CREATE INDEX "follow_ups_customer_id_at_idx" ON "follow_ups"("customer_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "registrations_customer_id_key" ON "registrations"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "registrations_project_id_number_key" ON "registrations"("project_id", "number");

-- CreateIndex
CREATE UNIQUE INDEX "queue_categories_project_id_code_key" ON "queue_categories"("project_id", "code");

-- CreateIndex
CREATE UNIQUE INDEX "queue_tickets_token_key" ON "queue_tickets"("token");

-- CreateIndex
CREATE INDEX "queue_tickets_project_id_status_sort_key_idx" ON "queue_tickets"("project_id", "status", "sort_key");

-- CreateIndex
CREATE UNIQUE INDEX "queue_tickets_project_id_phone_key" ON "queue_tickets"("project_id", "phone");

-- CreateIndex
CREATE UNIQUE INDEX "queue_tickets_category_id_number_key" ON "queue_tickets"("category_id", "number");

-- CreateIndex
CREATE INDEX "lottery_draws_project_id_committed_at_idx" ON "lottery_draws"("project_id", "committed_at");

-- CreateIndex
CREATE INDEX "subscriptions_customer_id_idx" ON "subscriptions"("customer_id");

-- CreateIndex
CREATE INDEX "subscriptions_registration_id_idx" ON "subscriptions"("registration_id");

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_registration_id_fkey" FOREIGN KEY ("registration_id") REFERENCES "registrations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customers" ADD CONSTRAINT "customers_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customers" ADD CONSTRAINT "customers_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_consultant_id_fkey" FOREIGN KEY ("consultant_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shortlist_items" ADD CONSTRAINT "shortlist_items_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shortlist_items" ADD CONSTRAINT "shortlist_items_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "units"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registrations" ADD CONSTRAINT "registrations_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registrations" ADD CONSTRAINT "registrations_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queue_categories" ADD CONSTRAINT "queue_categories_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queue_tickets" ADD CONSTRAINT "queue_tickets_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queue_tickets" ADD CONSTRAINT "queue_tickets_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "queue_categories"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queue_tickets" ADD CONSTRAINT "queue_tickets_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queue_tickets" ADD CONSTRAINT "queue_tickets_registration_id_fkey" FOREIGN KEY ("registration_id") REFERENCES "registrations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lottery_draws" ADD CONSTRAINT "lottery_draws_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
