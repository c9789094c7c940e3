/**
 * The registration lifecycle: ACTIVE until cancelled (退筹). Its own module because customers.ts
 * (a customer's registration summary) and registrations.ts (a registration's customer summary) both
 * name it, and neither may import the other (no import cycles).
 */
export type RegistrationStatus = 'ACTIVE' | 'CANCELLED';
