/**
 * V8 flags the gateway runs with (`npm run gateway` passes the same ones). A federated answer
 * allocates many short-lived objects; a larger young generation lets most of them die young,
 * which cut the gateway's CPU per heavy request by about a sixth for some 30 MiB of memory.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
