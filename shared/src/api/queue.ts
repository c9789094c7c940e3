/**
 * Queue numbers 排号 and calling 叫号 (docs/protocol.md "Queue and calling"), the kiosk setup PIN.
 * The buyer page and the ticket PDF are public, reached with the ticket's unguessable token.
 */
import { kioskSetupSchema, setKioskPinSchema } from '../kiosk-setup.js';
import {
  callNextSchema,
  callSpecificSchema,
  createQueueCategorySchema,
  listTicketsQuerySchema,
  projectTicketRefSchema,
  takeTicketSchema,
  ticketPdfQuerySchema,
  ticketRefSchema,
  ticketTokenRefSchema,
} from '../queue.js';
import { projectSummarySchema } from '../protocol.js';
import { emptyBodySchema, projectRefSchema } from '../schemas.js';
import { z } from 'zod';
import type { KioskSetupResult } from '../kiosk-setup.js';
import type {
  BuyerView,
  CallResult,
  QueueCategoryInfo,
  QueueState,
  QueueTicketView,
  TakeTicketResult,
} from '../queue.js';
import { declared, defineRoute } from './route.js';

const ticketCommand = (action: 'served' | 'no-show' | 'requeue', summary: string) =>
  defineRoute({
    method: 'POST',
    path: `/api/projects/:projectId/queue/tickets/:ticketId/${action}`,
    summary,
    access: 'manage',
    params: projectTicketRefSchema,
    body: emptyBodySchema,
    responses: { 200: declared<QueueTicketView>('QueueTicketView') },
    errors: ['INVALID_TRANSITION', 'CONFLICT'],
  });

export const queueApi = {
  setKioskPin: defineRoute({
    method: 'PUT',
    path: '/api/projects/:projectId/kiosk-pin',
    summary: 'Set the PIN that registers a queue kiosk or cashier desk for the project.',
    access: 'manage',
    params: projectRefSchema,
    body: setKioskPinSchema,
    responses: { 200: projectSummarySchema },
    errors: [],
  }),
  kioskSetup: defineRoute({
    method: 'POST',
    path: '/api/kiosk/setup',
    summary: 'Register this screen as a kiosk with the project PIN: its device key.',
    access: 'signedIn',
    body: kioskSetupSchema,
    responses: { 200: declared<KioskSetupResult>('KioskSetupResult') },
    errors: ['INVALID_CREDENTIALS', 'RATE_LIMITED'],
  }),
  state: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/queue',
    summary: 'The queue now: categories, waiting counts, numbers called.',
    access: 'signedIn',
    params: projectRefSchema,
    responses: { 200: declared<QueueState>('QueueState') },
    errors: [],
  }),
  takeTicket: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/queue/tickets',
    summary: 'Take a number (201; 200 for a repeated idempotency key).',
    access: 'issueTickets',
    params: projectRefSchema,
    body: takeTicketSchema,
    responses: {
      201: declared<TakeTicketResult>('TakeTicketResult'),
      200: declared<TakeTicketResult>('TakeTicketResult'),
    },
    errors: ['INVALID_TRANSITION', 'CONFLICT', 'REGISTRATION_REQUIRED', 'ALREADY_REGISTERED'],
  }),
  tickets: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/queue/tickets',
    summary: 'Tickets of the queue (status, category).',
    access: 'signedIn',
    params: projectRefSchema,
    query: listTicketsQuerySchema,
    responses: { 200: declared<QueueTicketView[]>('QueueTicketView[]') },
    errors: [],
  }),
  categories: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/queue/categories',
    summary: 'Queue categories of the project.',
    access: 'signedIn',
    params: projectRefSchema,
    responses: { 200: declared<QueueCategoryInfo[]>('QueueCategoryInfo[]') },
    errors: [],
  }),
  createCategory: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/queue/categories',
    summary: 'A new queue category.',
    access: 'manage',
    params: projectRefSchema,
    body: createQueueCategorySchema,
    responses: { 201: declared<QueueCategoryInfo>('QueueCategoryInfo') },
    errors: ['CONFLICT'],
  }),
  callNext: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/queue/call-next',
    summary: 'Call the next numbers of a category.',
    access: 'manage',
    params: projectRefSchema,
    body: callNextSchema,
    responses: { 200: declared<CallResult>('CallResult') },
    errors: ['CONFLICT'],
  }),
  call: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/queue/call',
    summary: 'Call given tickets.',
    access: 'manage',
    params: projectRefSchema,
    body: callSpecificSchema,
    responses: { 200: declared<CallResult>('CallResult') },
    errors: ['CONFLICT', 'INVALID_TRANSITION'],
  }),
  served: ticketCommand('served', 'Mark a called ticket served.'),
  noShow: ticketCommand('no-show', 'Mark a called ticket a no-show.'),
  requeue: ticketCommand('requeue', 'Put a no-show back in the queue.'),
  buyerView: defineRoute({
    method: 'GET',
    path: '/api/public/tickets/:token',
    summary: "The buyer's page of a ticket (no credentials; the ticket's token).",
    access: 'public',
    params: ticketTokenRefSchema,
    malformedAsNotFound: true,
    responses: { 200: declared<BuyerView>('BuyerView') },
    errors: ['RATE_LIMITED'],
  }),
  ticketPdf: defineRoute({
    method: 'GET',
    path: '/api/queue/tickets/:ticketId/pdf',
    summary: 'The printed ticket as a PDF (202 while it renders), with the ticket token.',
    access: 'public',
    params: ticketRefSchema,
    query: ticketPdfQuerySchema,
    malformedAsNotFound: true,
    responses: { 202: z.object({ status: z.literal('rendering') }) },
    file: 'application/pdf',
    errors: ['RATE_LIMITED'],
  }),
};
