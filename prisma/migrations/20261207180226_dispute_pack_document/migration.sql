-- AlterEnum
ALTER TYPE "DocumentKind" ADD VALUE 'DISPUTE_PACK';
