/**
 * `GraphQLDataSourceRequestKind.INCOMING_OPERATION` of `@apollo/gateway`: a subgraph fetch made for a
 * client's operation (not a health check). The enum is a type only at run time, so its value is here.
 */
export const INCOMING_OPERATION = 'incoming operation';
