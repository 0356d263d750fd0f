// The standby settings `serve` starts with: show.json's "standby" block, overridden by flags
// (--standby-of, --takeover-after, --redis, --token). Unlike the other sections, a block that does
// not pass stops the start with its errors (file:line:col path): a standby that silently started
// as a primary would be a second primary.

import { join } from 'node:path';
import { z } from 'zod';
import { standbySchema } from '../../../show-files/src/schema.ts';
import { readJson } from '../../../show-files/src/load-json.ts';
import { formatError, type ValidationError } from '../../../show-files/src/errors.ts';
import type { StandbyOptions } from './role.ts';

export interface StandbyFlags {
  of?: string;
  token?: string;
  takeoverAfterMs?: number;
  redis?: string;
}

export type StandbySettings = StandbyOptions & { redis?: string };

const standbyOnly = z.object({ standby: standbySchema.optional() });

/** The settings, or the block's errors (one line each). A show folder without show.json has none. */
export async function standbyOptionsFor(showDir: string, flags: StandbyFlags): Promise<StandbySettings | { errors: string[] }> {
  const errors: ValidationError[] = [];
  const loaded = await readJson(join(showDir, 'show.json'), 'show.json', standbyOnly, errors);
  const block = loaded?.data.standby;
  // Only the block's own findings stop the start (a broken show.json otherwise still starts, with an alarm).
  const own = errors.filter((e) => e.path === 'standby' || e.path.startsWith('standby.'));
  if (own.length) return { errors: own.map((e) => formatError({ ...e, file: join(showDir, e.file) })) };
  return {
    of: flags.of ?? block?.of,
    token: flags.token,
    takeoverAfterMs: flags.takeoverAfterMs ?? block?.takeoverAfterMs,
    redis: flags.redis ?? block?.redis,
    leaseKey: block?.leaseKey,
  };
}
