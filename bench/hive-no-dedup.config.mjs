// Hive Gateway's configuration for `BENCH_HIVE_DEDUP=0`: every subgraph call is sent, none shared
// among identical requests in flight (Hive Gateway deduplicates them by default).
export const gatewayConfig = {
  transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } },
};
