/** The lifecycle of one gateway process: readiness answers 200 only while `ready`. */
export type Phase = 'created' | 'starting' | 'ready' | 'draining' | 'stopped';
