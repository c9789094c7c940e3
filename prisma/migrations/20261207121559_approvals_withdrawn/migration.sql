-- AlterEnum
ALTER TYPE "PriceListStatus" ADD VALUE 'WITHDRAWN';

-- AlterEnum
ALTER TYPE "VoidRequestStatus" ADD VALUE 'WITHDRAWN';
