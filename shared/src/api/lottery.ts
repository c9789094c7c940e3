/**
 * Lottery 摇号: managers commit and draw; anyone (no credentials) reads the published record, the
 * verification file for `npm run verify-lottery` and the result PDF.
 */
import { z } from 'zod';
import {
  createLotterySchema,
  latestLotteryAnswerSchema,
  lotteryDrawInfoSchema,
  lotteryDrawSummarySchema,
  lotteryRefSchema,
} from '../lottery-draws.js';
import { emptyBodySchema, projectRefSchema } from '../schemas.js';
import { lotteryRecordSchema } from '../lottery.js';
import { defineRoute } from './route.js';

export const lotteryApi = {
  create: defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/lotteries',
    summary: 'Commit a lottery (the seed commitment is published before the draw).',
    access: 'manage',
    params: projectRefSchema,
    body: createLotterySchema,
    responses: { 201: lotteryDrawInfoSchema },
    errors: ['CONFLICT', 'INVALID_TRANSITION'],
  }),
  list: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/lotteries',
    summary: 'Lotteries of the project.',
    access: 'signedIn',
    params: projectRefSchema,
    responses: { 200: z.array(lotteryDrawSummarySchema) },
    errors: [],
  }),
  latest: defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/lotteries/latest',
    summary: 'The latest drawn result (`draw: null` before any), for members and wall boards.',
    access: 'signedIn',
    params: projectRefSchema,
    responses: { 200: latestLotteryAnswerSchema },
    errors: [],
  }),
  draw: defineRoute({
    method: 'POST',
    path: '/api/lotteries/:drawId/draw',
    summary: 'Draw a committed lottery.',
    access: 'manage',
    params: lotteryRefSchema,
    body: emptyBodySchema,
    responses: { 200: lotteryDrawInfoSchema },
    errors: ['INVALID_TRANSITION', 'CONFLICT'],
  }),
  public: defineRoute({
    method: 'GET',
    path: '/api/public/lotteries/:drawId',
    summary: 'The published lottery record (no credentials).',
    access: 'public',
    params: lotteryRefSchema,
    responses: { 200: lotteryDrawInfoSchema },
    errors: [],
  }),
  record: defineRoute({
    method: 'GET',
    path: '/api/public/lotteries/:drawId/record.json',
    summary: 'The verification file of a drawn lottery (for npm run verify-lottery).',
    access: 'public',
    params: lotteryRefSchema,
    responses: { 200: lotteryRecordSchema },
    errors: ['INVALID_TRANSITION'],
  }),
  pdf: defineRoute({
    method: 'GET',
    path: '/api/public/lotteries/:drawId/pdf',
    summary: 'The result as a PDF.',
    access: 'public',
    params: lotteryRefSchema,
    responses: {},
    file: 'application/pdf',
    errors: ['INVALID_TRANSITION', 'UNPRINTABLE_CHARACTER'],
  }),
};
