import { createHash } from 'node:crypto';

/** What running a script needs of a node-redis client (one Redis or a cluster). */
export interface ScriptRunner {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** A Lua script sent by its SHA1, and in full only where a node does not have it yet. */
export interface LuaScript {
  run(redis: ScriptRunner, keys: string[], args: string[]): Promise<unknown>;
}

/**
 * On a cluster every key a script touches must be in `keys` and share one slot (a hash tag); the
 * client routes the call by the first key.
 */
export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(redis, keys, args) {
      const options = { keys, arguments: args };
      try {
        return await redis.evalSha(sha, options);
      } catch (error) {
        // First use on this node (or after SCRIPT FLUSH, or a master that restarted empty).
        if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
        return redis.eval(source, options);
      }
    },
  };
}
