-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "kiosk_pin_hash" TEXT;
