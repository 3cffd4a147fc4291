import { z } from 'zod';

/** `API_KEYS`: a JSON array of `{ id, sha256, scopes?, client? }`. */
export const apiKeysSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array' });
      return z.NEVER;
    }
  })
  .pipe(
    z.array(
      z.object({
        id: z.string().min(1),
        sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'sha256 must be 64 hex digits').transform((s) => s.toLowerCase()),
        scopes: z.array(z.string().min(1)).default([]),
        client: z.string().min(1).optional(),
      }),
    ),
  );
