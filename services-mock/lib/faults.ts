import type { Faults } from './types.js';

export type FaultsParse = { ok: true; faults: Faults } | { ok: false; message: string };

/** Validates a `PUT /__faults` body; unknown keys are rejected so typos do not pass silently. */
export function parseFaults(input: unknown): FaultsParse {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, message: 'body must be a JSON object' };
  }
  const faults: Faults = {};
  for (const [key, value] of Object.entries(input)) {
    switch (key) {
      case 'latencyMs':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
          return { ok: false, message: 'latencyMs must be a non-negative number' };
        }
        faults.latencyMs = value;
        break;
      case 'status':
        if (!Number.isInteger(value) || (value as number) < 100 || (value as number) > 599) {
          return { ok: false, message: 'status must be an integer between 100 and 599' };
        }
        faults.status = value as number;
        break;
      case 'invalidBody':
      case 'refuse':
        if (typeof value !== 'boolean') return { ok: false, message: `${key} must be a boolean` };
        faults[key] = value;
        break;
      default:
        return { ok: false, message: `unknown fault "${key}"` };
    }
  }
  return { ok: true, faults };
}
