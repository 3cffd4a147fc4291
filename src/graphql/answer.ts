import type { CacheHint } from '@apollo/cache-control-types';
import type { GraphQLRequest } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';

type Data = Record<string, unknown> | null | undefined;

/** An answer that may be reused (a query's, without errors, every service allowing it), as it went out. */
export interface ReusableAnswer {
  readonly data: Record<string, unknown>;
  readonly policy: Required<CacheHint>;
}

/** What the response cache found: the stored data's JSON and its age in seconds on a hit. */
export type CacheLookup = { readonly result: 'MISS' } | { readonly result: 'HIT'; readonly json: string | Buffer; readonly ageSeconds: number };

/**
 * What the plugins that shape one operation's answer tell the one plugin that assembles it
 * (useAnswer). Apollo runs every plugin's `willSendResponse` at once (`Promise.all`): a plugin
 * that edits the body there cannot know whether another already has. So each part is recorded
 * here before `willSendResponse` (in `didResolveOperation` or `responseForOperation`, which run in
 * order), and useAnswer applies them in a fixed order: stored data, the policy's edit, the headers.
 */
export interface AnswerParts {
  /** The policy decided on the viewer's credential: the answer must not be reused for another viewer. */
  credentialDependent: boolean;
  /** The policy's edit of the data: null and an error at each denied path. */
  edit?: (data: Data) => { data: Data; errors: readonly GraphQLFormattedError[] };
  /** Set when the response cache looked the operation up. */
  cache?: CacheLookup;
  /** Told the final answer when it may be reused (the response cache stores it). */
  onReusable?: (answer: ReusableAnswer) => void;
}

// Keyed by the operation's request: every hook of the operation sees it, and each operation of a
// batch has its own.
const parts = new WeakMap<GraphQLRequest, AnswerParts>();

/** The parts of this operation's answer, created on first use. */
export function answerParts(request: GraphQLRequest): AnswerParts {
  let found = parts.get(request);
  if (!found) parts.set(request, (found = { credentialDependent: false }));
  return found;
}

/** The parts recorded so far, if any. */
export function peekAnswerParts(request: GraphQLRequest): AnswerParts | undefined {
  return parts.get(request);
}
