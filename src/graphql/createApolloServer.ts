import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';
import { boundedCache } from '../cache/boundedCache.js';
import type { Logger } from 'pino';
import type { TesseraContext } from './context.js';
import { explorerLandingPage, type ExplorerPreset } from './explorer.js';
import { createFormatError } from './formatError.js';

export interface ApolloServerOptions {
  readonly gateway: GatewayInterface;
  readonly production: boolean;
  readonly introspection: boolean;
  /** The explorer served to browsers, with what it opens with; false: no landing page. */
  readonly explorer: ExplorerPreset | false;
  /** Stack traces in `extensions.stacktrace`; Apollo's default (on outside production) floods a development console. */
  readonly stacktraces: boolean;
  readonly log: Logger;
  /** graphql-js parse options, e.g. `maxTokens`. */
  readonly parseOptions?: { readonly maxTokens?: number };
  /** Where automatic persisted queries live (the APQ cache store), or the safelist's read-only store. */
  readonly persistedQueries?: { readonly cache: KeyValueCache<string>; readonly ttl: number | null };
  /** Parsed and validated operations kept, least recently used out first; absent = Apollo's default (30 MiB by approximate size). */
  readonly operationCacheSize?: number;
  /** Batched HTTP requests (JSON arrays); the HTTP handler caps their size. */
  readonly allowBatchedHttpRequests?: boolean;
  /** The request pipeline after the built-ins, in order. */
  readonly plugins: readonly (ApolloServerPlugin<TesseraContext> | false | undefined)[];
}

export function createApolloServer(options: ApolloServerOptions): ApolloServer<TesseraContext> {
  const log = options.log.child({ component: 'apollo' });
  return new ApolloServer<TesseraContext>({
    gateway: options.gateway,
    introspection: options.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: options.allowBatchedHttpRequests ?? false,
    ...(options.parseOptions ? { parseOptions: { ...options.parseOptions } } : {}),
    ...(options.operationCacheSize ? { documentStore: boundedCache<DocumentNode>(options.operationCacheSize) } : {}),
    ...(options.persistedQueries ? { persistedQueries: { ...options.persistedQueries } } : {}),
    // One shutdown path: Tessera's own, which drains readiness first.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: options.stacktraces,
    // No "Did you mean …?" in production: suggestions spell out a schema that introspection hides
    // (formatError drops those of variable and enum coercion too).
    hideSchemaDetailsFromClientErrors: options.production,
    formatError: createFormatError(options.production, options.stacktraces),
    // Apollo's default appends a newline: a second string, which every write of the answer (its
    // length, its bytes) must first copy into one.
    stringifyResult: (value) => JSON.stringify(value),
    logger: {
      debug: (m) => log.debug(m),
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m) => log.error(m),
    },
    plugins: [
      // Cache-Control is Tessera's to set (useAnswer): Apollo's default would call an answer public
      // that depended on the viewer's credential.
      ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
      options.explorer ? explorerLandingPage(options.explorer) : ApolloServerPluginLandingPageDisabled(),
      ...options.plugins.filter((p): p is ApolloServerPlugin<TesseraContext> => Boolean(p)),
    ],
  });
}
