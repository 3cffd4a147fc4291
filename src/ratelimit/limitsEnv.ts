import { z } from 'zod';
import { parseBudget } from './clientLimits.js';
import { parseFieldLimits } from './fieldLimits.js';

/** A string parsed by `parse`; its TypeError message names what is wrong. */
const parsedWith = <T>(parse: (text: string) => T) =>
  z.string().transform((text, ctx) => {
    try {
      return parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/** `RATE_LIMIT_DEFAULT`: `600/60s`; empty means no request-level limit. */
export const requestBudgetEnvSchema = parsedWith((text) => (text.trim() === '' ? undefined : parseBudget(text)));

/** `RATE_LIMIT_FIELDS`: `Query.product=10/60s, Mutation.createOrder=3/1m:client`. */
export const fieldLimitsEnvSchema = parsedWith(parseFieldLimits);
