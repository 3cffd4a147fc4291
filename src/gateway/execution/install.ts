import { createRequire } from 'node:module';
import { executeQueryPlan } from './executeQueryPlan.js';

const require = createRequire(import.meta.url);

/** The dispatchers this module put in the gateway's place. */
const INSTALLED = new WeakSet<Execute>();

/** Subgraph name → data source, made anew by the gateway for each request. */
type ServiceMap = Record<string, unknown>;
export type Execute = (queryPlan: unknown, serviceMap: ServiceMap, requestContext: unknown, ...rest: unknown[]) => Promise<unknown>;

/**
 * Plans over Tessera's data sources (told by `ownsDataSource`) go to `ours`; any other gateway in
 * the process, and a request that wants usage-reporting traces (only Apollo's builds them), to
 * `apollo`. `onRun` hears which executor ran each of Tessera's plans.
 */
export function dispatchExecutor(
  apollo: Execute,
  ours: Execute,
  ownsDataSource: (dataSource: unknown) => boolean,
  onRun?: (executor: 'tessera' | 'apollo') => void,
): Execute {
  return (queryPlan, serviceMap, requestContext, ...rest) => {
    let mine = false;
    for (const name in serviceMap) if ((mine = ownsDataSource(serviceMap[name]))) break;
    if (!mine) return apollo(queryPlan, serviceMap, requestContext, ...rest);
    const wantsTraces = !!(requestContext as { metrics?: { captureTraces?: boolean } } | undefined)?.metrics?.captureTraces;
    onRun?.(wantsTraces ? 'apollo' : 'tessera');
    return (wantsTraces ? apollo : ours)(queryPlan, serviceMap, requestContext, ...rest);
  };
}

/**
 * `ApolloGateway` calls `executeQueryPlan` through its module's exports; Tessera's executor takes
 * its place there, behind `dispatchExecutor`. Only on the gateway version the executor follows: on
 * another, Apollo's stays for everyone. Returns whether Tessera's executor is in place.
 */
export function installExecutor(ownsDataSource: (dataSource: unknown) => boolean, onRun?: (executor: 'tessera' | 'apollo') => void): boolean {
  const { version } = require('@apollo/gateway/package.json') as { version: string };
  if (!version.startsWith('2.14.')) return false;
  const gatewayModule = require('@apollo/gateway/dist/executeQueryPlan.js') as { executeQueryPlan: Execute };
  if (INSTALLED.has(gatewayModule.executeQueryPlan)) return true;
  const dispatch = dispatchExecutor(gatewayModule.executeQueryPlan, executeQueryPlan as unknown as Execute, ownsDataSource, onRun);
  INSTALLED.add(dispatch);
  gatewayModule.executeQueryPlan = dispatch;
  return true;
}

/** Whether the gateway runs plans through Tessera's dispatch. */
export function executorInstalled(): boolean {
  return INSTALLED.has((require('@apollo/gateway/dist/executeQueryPlan.js') as { executeQueryPlan: Execute }).executeQueryPlan);
}
