import '../../src/gateway/noTelemetry.js';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { expect } from 'vitest';
import type { App, CreateAppOptions } from '../../src/app.js';
import { receivedOperations, serveSubgraph, type RunningServer } from '../fixtures/federation/serve.js';
import type { SubgraphSdl } from '../../src/composition/compose.js';
import { postGraphQL, type GraphQLResponse } from '../helpers/stack.js';
import { supergraphOf } from '../helpers/supergraph.js';
import { appServing, supergraphFiles } from '../helpers/supergraphApp.js';

/** Resolvers as `@apollo/subgraph` takes them (`__resolveReference` included). */
type Resolvers = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']>;

/** One subgraph of a suite: its SDL as composed and the resolvers `@apollo/subgraph` builds it with. */
export interface SubgraphDef {
  readonly name: string;
  readonly typeDefs: string;
  readonly resolvers: Resolvers;
}

/** What an error of the answer must carry; any field left out is not compared. */
export interface ErrorSpec {
  readonly path?: readonly (string | number)[];
  readonly code?: string;
  readonly message?: string | RegExp;
}

export interface Expected {
  readonly data: unknown;
  /** Left out: the answer has no errors. `'some'`: at least one, of any shape. */
  readonly errors?: readonly ErrorSpec[] | 'some';
}

export interface Case {
  readonly name: string;
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  /** The correct answer, per the federation spec and the subgraphs' data: never what a gateway happens to answer. */
  readonly expected: Expected;
  /** Stock `@apollo/gateway` answers otherwise: why. Its test then asserts that it still does. */
  readonly apolloWrong?: string;
  /** Tessera answers otherwise today (a vitest `test.fails`): why. */
  readonly tesseraFails?: string;
}

/** Subgraphs, composed together, and the operations asked of them. */
export interface Suite {
  readonly name: string;
  readonly subgraphs: readonly SubgraphDef[];
  readonly cases: readonly Case[];
  /** Restores the subgraphs' data before each operation (mutation cases run against both gateways). */
  readonly reset?: () => void;
  /** Tessera's environment over the tests' (e.g. `OVERRIDE_LABELS`); stock has no such settings. */
  readonly tesseraEnv?: Record<string, string>;
}

export type Answer = GraphQLResponse<unknown>;

export interface RunningSuite {
  /** Base URLs: each gateway answers at `/graphql` under it. */
  readonly stockUrl: string;
  readonly tesseraUrl: string;
  stop(): Promise<void>;
}

/** Each of the suite's subgraphs over HTTP on loopback, as the composer takes them. */
export async function serveSuiteSubgraphs(suite: Suite): Promise<{ readonly subgraphs: readonly SubgraphSdl[]; close(): Promise<void> }> {
  const servers: RunningServer[] = [];
  const close = async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  };
  try {
    const subgraphs: SubgraphSdl[] = [];
    for (const subgraph of suite.subgraphs) {
      const schema = buildSubgraphSchema({ typeDefs: parse(subgraph.typeDefs), resolvers: subgraph.resolvers });
      const server = await serveSubgraph(`${suite.name}/${subgraph.name}`, schema);
      servers.push(server);
      subgraphs.push({ name: subgraph.name, url: server.url, sdl: subgraph.typeDefs });
    }
    return { subgraphs, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Serves each subgraph over HTTP on loopback, composes them with `@apollo/composition`, and starts
 * stock `@apollo/gateway` (in a plain Apollo Server) and Tessera over the same supergraph.
 */
export async function startSuite(suite: Suite, tesseraOptions: Omit<CreateAppOptions, 'log'> = {}): Promise<RunningSuite> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const served = await serveSuiteSubgraphs(suite);
    cleanups.push(served.close);
    const supergraphSdl = supergraphOf(served.subgraphs);
    const { files, remove } = await supergraphFiles({ supergraph: supergraphSdl });
    cleanups.push(remove);

    const stock = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
    const { url } = await startStandaloneServer(stock, { listen: { port: 0, host: '127.0.0.1' } });
    cleanups.push(() => stock.stop());

    const tessera: App = appServing(files.supergraph, suite.tesseraEnv, tesseraOptions);
    await tessera.start();
    cleanups.push(() => tessera.stop());
    return { stockUrl: url.replace(/\/$/, ''), tesseraUrl: tessera.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The operations each of the suite's subgraphs was sent, in arrival order (clear with `receivedOperations.clear()`). */
export function operationsSentTo(suite: Suite, subgraph: string): string[] {
  return (receivedOperations.get(`${suite.name}/${subgraph}`) ?? []).map((o) => o.query);
}

/** The answer of the gateway at `url` (a base URL) to the case's operation. */
export function ask(url: string, c: Pick<Case, 'query' | 'variables'>): Promise<Answer> {
  return postGraphQL(url, c.query, c.variables, { accept: 'application/graphql-response+json, application/json;q=0.9' });
}

/** Whether the answer is the expected one: equal `data`, and errors as specified. */
export function matches(answer: Answer, expected: Expected): boolean {
  try {
    expectAnswer(answer, expected);
    return true;
  } catch {
    return false;
  }
}

/** Asserts the answer is the expected one: equal `data`, and errors as specified. */
export function expectAnswer(answer: Answer, expected: Expected): void {
  const { data, errors } = answer.body;
  const shown = JSON.stringify(answer.body);
  expect(data ?? null, shown).toEqual(expected.data);
  if (expected.errors === undefined) {
    expect(errors, shown).toBeUndefined();
  } else if (expected.errors === 'some') {
    expect(errors?.length ?? 0, shown).toBeGreaterThan(0);
  } else {
    expect(errors, shown).toHaveLength(expected.errors.length);
    expected.errors.forEach((spec, i) => {
      const actual = errors![i]!;
      if (spec.path) expect(actual.path, shown).toEqual(spec.path);
      if (spec.code) expect(actual.extensions?.code, shown).toBe(spec.code);
      if (spec.message) expect(actual.message, shown).toMatch(spec.message);
    });
  }
}
