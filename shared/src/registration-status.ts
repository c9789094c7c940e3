/**
 * The registration lifecycle: ACTIVE until cancelled (退筹). Its own module because customers.ts
 * (a customer's registration summary) names it, and registrations.ts imports customers.ts (a
 * registration's customer summary) — so customers.ts may not import registrations.ts (no import cycles).
 */
import { z } from 'zod';

export const registrationStatusSchema = z.enum(['ACTIVE', 'CANCELLED']);
export type RegistrationStatus = z.infer<typeof registrationStatusSchema>;
