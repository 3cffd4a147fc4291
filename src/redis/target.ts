/** A Redis node's address. */
export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

/**
 * Where shared state lives: one Redis (`REDIS_URL`), or a Redis Cluster found through seed nodes
 * (`REDIS_CLUSTER_NODES`). Every feature that keeps state takes this, never a URL, so each one
 * works on both.
 */
export type RedisTarget =
  | {
      readonly kind: 'single';
      readonly url: string;
      /** From REDIS_USERNAME / REDIS_PASSWORD, when the URL carries none. */
      readonly username?: string;
      readonly password?: string;
    }
  | {
      readonly kind: 'cluster';
      /** Seed nodes: the client asks any of them for the cluster's shape and then talks to every master. */
      readonly nodes: readonly RedisNode[];
      /** TLS to every node (`rediss://` seeds). */
      readonly tls: boolean;
      readonly username?: string;
      readonly password?: string;
    };

/**
 * Reads `REDIS_CLUSTER_NODES` entries: `host:port` or `redis[s]://[user:password@]host:port`.
 * Nodes the cluster announces later get the same scheme and credentials, so the seeds must agree
 * on them. Throws an Error naming the bad entry (its password masked).
 */
export function parseClusterNodes(entries: readonly string[]): Extract<RedisTarget, { kind: 'cluster' }> {
  if (entries.length === 0) throw new Error('name at least one node, as host:port');
  const parsed = entries.map(parseNode);
  const [first] = parsed as [ParsedNode, ...ParsedNode[]];
  for (const node of parsed) {
    if (node.tls !== first.tls || node.username !== first.username || node.password !== first.password) {
      throw new Error(`${node.entry}: every node needs the same scheme and credentials as ${first.entry}`);
    }
  }
  return {
    kind: 'cluster',
    nodes: parsed.map(({ host, port }) => ({ host, port })),
    tls: first.tls,
    ...(first.username ? { username: first.username } : {}),
    ...(first.password ? { password: first.password } : {}),
  };
}

interface ParsedNode extends RedisNode {
  readonly entry: string;
  readonly tls: boolean;
  readonly username: string;
  readonly password: string;
}

/** An entry as errors may show it: without its password. */
const shown = (entry: string) => entry.replace(/(\/\/[^:@/]*:)[^@/]*@/, '$1***@');

function parseNode(raw: string): ParsedNode {
  const entry = shown(raw);
  const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `redis://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`${entry}: not host:port or a redis:// URL`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`${entry}: the scheme must be redis:// or rediss://`);
  if (!url.hostname || !url.port) throw new Error(`${entry}: needs a host and a port`);
  if ((url.pathname && url.pathname !== '/') || url.search) throw new Error(`${entry}: a cluster has one database; leave out the path and query`);
  return {
    entry,
    // IPv6 literals come back bracketed; sockets want them bare.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port),
    tls: url.protocol === 'rediss:',
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

/** Credentials given apart from the addresses (REDIS_USERNAME, REDIS_PASSWORD), as from a secret store. */
export interface RedisCredentials {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

/**
 * Gives a target the credentials set apart from its address. A URL or seed that carries
 * credentials of its own is refused: which of the two is meant is not a guess to make.
 */
export function withCredentials(target: RedisTarget, { username, password }: RedisCredentials): RedisTarget {
  if (username === undefined && password === undefined) return target;
  const carried = target.kind === 'single' ? hasCredentials(target.url) : Boolean(target.username || target.password);
  if (carried) throw new Error('carries credentials too; give them in one place');
  return { ...target, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

function hasCredentials(url: string): boolean {
  const parsed = new URL(url);
  return parsed.username !== '' || parsed.password !== '';
}
