/**
 * Devices 设备: the named screens and terminals of a project, each with a key shown once
 * (docs/protocol.md "Devices and pairing").
 *
 * - BOARD 销控大屏: the wall board (/board/<projectId>), reads the project's live state.
 * - KIOSK 排号机: the queue kiosk (/queue), issues numbers; has a setup screen behind the kiosk PIN.
 * - CALLING 叫号屏: the calling screen (/queue/screen) — reads the project's live state and queue, issues nothing.
 * - CASHIER_DESK 收银台: the cashier desk terminal (/cashier). Its key grants nothing by itself: the cashier
 *   still signs in personally, and the key only names the terminal in the audit trail (`desk:<name>`
 *   as the device of every event the signed-in cashier causes from it).
 *
 * Pairing 配对: a screen opened without a key shows a QR code and a short code; a manager opens it on
 * their signed-in phone (/pair/<code>), picks the kind and name, approves; the screen claims its key
 * with a secret only it holds (the QR never carries the key).
 */
import { z } from 'zod';
import { lineText } from './text.js';
import { idSchema } from './schemas.js';

export const DEVICE_KINDS = ['BOARD', 'KIOSK', 'CALLING', 'CASHIER_DESK'] as const;
/** The kind of a device: what its key may do (shared/src/permissions.ts lists kinds per permission). */
export type DeviceKind = (typeof DEVICE_KINDS)[number];
export const deviceKindSchema = z.enum(DEVICE_KINDS);

/** Kinds a screen can be paired as (a cashier desk is set up with its key: a person signs in there anyway). */
export const PAIRABLE_KINDS = ['BOARD', 'KIOSK', 'CALLING'] as const satisfies readonly DeviceKind[];
export type PairableKind = (typeof PAIRABLE_KINDS)[number];

/** The path a device of this kind opens (the key then travels as `?key=`, stored by the screen and removed from the URL). */
export function devicePath(kind: DeviceKind, projectId: string): string {
  switch (kind) {
    case 'BOARD':
      return `/board/${projectId}`;
    case 'KIOSK':
      return '/queue';
    case 'CALLING':
      return '/queue/screen';
    case 'CASHIER_DESK':
      return '/cashier';
  }
}

/** A device's name: what people call the screen ("大厅左屏 Hall left"). */
export const deviceNameSchema = lineText(60);

export const deviceRefSchema = z.strictObject({ deviceId: idSchema });

export const createDeviceBodySchema = z.strictObject({ kind: deviceKindSchema, name: deviceNameSchema });
export type CreateDeviceBody = z.infer<typeof createDeviceBodySchema>;

export const renameDeviceBodySchema = z.strictObject({ name: deviceNameSchema });

/** A device as the setup area lists it (never its key). */
export const deviceInfoSchema = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  kind: deviceKindSchema,
  name: z.string(),
  createdAt: z.iso.datetime(),
  /** Last request or hub command with the key (batched: up to ~30 s behind). */
  lastSeenAt: z.iso.datetime().nullable(),
});
export type DeviceInfo = z.infer<typeof deviceInfoSchema>;

/** A new device: its key, shown this once (only its hash is stored). */
export const createdDeviceSchema = deviceInfoSchema.extend({ key: z.string() });
export type CreatedDevice = z.infer<typeof createdDeviceSchema>;

// ── Pairing ──────────────────────────────────────────────────────────────────────────────────

/** The short code a screen shows: 8 characters of an alphabet without look-alikes (no 0/O, 1/I/L). */
export const PAIRING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const PAIRING_CODE_LENGTH = 8;
/** How long a pairing code waits for a manager, seconds. */
export const PAIRING_TTL_SECONDS = 600;

/** A pairing code as typed: case and a middle dash or spaces ignored ("ABCD-EFGH"). */
export const pairingCodeSchema = z
  .string()
  .max(20)
  .transform((s) => s.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(new RegExp(`^[${PAIRING_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`)));

/** "ABCD-EFGH": a code as screens show it (typed either way). */
export function formatPairingCode(code: string): string {
  return code.length === PAIRING_CODE_LENGTH ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

export const pairingRefSchema = z.strictObject({ code: pairingCodeSchema });

/** What the waiting screen holds: the code it shows and the secret it claims with. */
export const pendingPairingSchema = z.object({
  code: z.string(),
  /** Only the screen knows it; the claim needs it (the QR code carries the code, never this). */
  secret: z.string(),
  expiresAt: z.iso.datetime(),
});
export type PendingPairing = z.infer<typeof pendingPairingSchema>;

export const startPairingBodySchema = z.strictObject({
  /** The kind of screen asking (preselected on the manager's phone; the manager may change it). */
  kind: z.enum(PAIRABLE_KINDS),
});

/** What the manager's phone shows about a waiting screen before approving. */
export const pairingInfoSchema = z.object({
  code: z.string(),
  kind: z.enum(PAIRABLE_KINDS),
  expiresAt: z.iso.datetime(),
});
export type PairingInfo = z.infer<typeof pairingInfoSchema>;

export const approvePairingBodySchema = z.strictObject({
  projectId: idSchema,
  kind: z.enum(PAIRABLE_KINDS),
  name: deviceNameSchema,
});
export type ApprovePairingBody = z.infer<typeof approvePairingBodySchema>;

export const claimPairingBodySchema = z.strictObject({ code: pairingCodeSchema, secret: z.string().min(16).max(128) });

/** The screen's claim: still waiting, or its key (handed out once; the pairing is gone after). */
export const pairingClaimSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('waiting'), expiresAt: z.iso.datetime() }),
  z.object({
    status: z.literal('paired'),
    key: z.string(),
    kind: z.enum(PAIRABLE_KINDS),
    projectId: z.uuid(),
    name: z.string(),
  }),
]);
export type PairingClaim = z.infer<typeof pairingClaimSchema>;
