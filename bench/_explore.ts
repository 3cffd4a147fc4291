import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, prettyFormatQueryPlan } from '@apollo/query-planner';
import { parse } from 'graphql';
import { mergedPlan } from '../src/gateway/execution/fetchMerging.js';
import { ACCOUNTS_SDL } from '../test/fixtures/federation/accounts.js';
import { CATALOG_SDL } from '../test/fixtures/federation/catalog.js';
import { INVENTORY_SDL } from '../test/fixtures/federation/inventory.js';
import { REVIEWS_SDL } from '../test/fixtures/federation/reviews.js';
import { supergraphOf } from '../test/helpers/supergraph.js';
const sdl = supergraphOf([['accounts', ACCOUNTS_SDL], ['catalog', CATALOG_SDL], ['inventory', INVENTORY_SDL], ['reviews', REVIEWS_SDL]].map(([name, sdl]) => ({ name: name!, sdl: sdl!, url: `http://x/${name}` })));
const sg = Supergraph.build(sdl);
const planner = new QueryPlanner(sg);
const qs = process.argv.slice(2);
for (const q of qs) {
  const plan = planner.buildQueryPlan(operationFromDocument(sg.apiSchema(), parse(q)));
  const m = mergedPlan(plan);
  console.log('###', q, m.fetches);
  if (process.env.SHOW) console.log(prettyFormatQueryPlan(plan));
  const walk = (n: any): void => { if (!n) return; if (n.kind === 'MergedFetch') console.log(n.operation, JSON.stringify(n.parts.map((p: any) => [p.path.join('.'), p.alias, p.representationsVariable, p.sharesWith]))); for (const c of n.nodes ?? []) walk(c); if (n.node) walk(n.node); if (n.ifClause) walk(n.ifClause); if (n.elseClause) walk(n.elseClause); };
  walk(m.node);
}
