import type { CacheHint } from '@apollo/cache-control-types';
import type { GraphQLRequest } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';

type Data = Record<string, unknown> | null | undefined;

/** The answer as it went out, for whoever keeps it (the response cache). */
export interface SentAnswer {
  readonly data: Data;
  readonly errors: readonly GraphQLFormattedError[] | undefined;
  /** The overall cache policy, if the answer may be cached at all. */
  readonly policy: Required<CacheHint> | null;
}

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
  /** Whether the response cache looked the operation up. */
  cache?: 'HIT' | 'MISS';
  /** A response-cache hit: the stored data's JSON, and its age in seconds. */
  stored?: { readonly json: string | Buffer; readonly ageSeconds: number };
  /** Told the final answer after it is sent (the response cache stores it). */
  onSent?: (answer: SentAnswer) => void;
}

// Keyed by the operation's request: the operations of a batch share one context, not one request.
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
