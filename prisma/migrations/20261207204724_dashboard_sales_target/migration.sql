-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "sales_target_area" DECIMAL(12,2),
ADD COLUMN     "sales_target_fen" BIGINT,
ADD COLUMN     "sales_target_units" INTEGER;
