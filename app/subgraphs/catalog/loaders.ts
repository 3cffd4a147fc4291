import type DataLoader from 'dataloader';
import { createBatchLoader, fromRestError, keyList, notFound, perRequest, restCallOptions, type RestClient, type SubgraphContext } from 'tessera-gateway';
import { parseProducts } from './mappers.js';
import type { ProductModel } from './model.js';

export interface CatalogLoaders {
  /** `GET /products?skus=…`; an unknown sku rejects with NOT_FOUND. */
  readonly productBySku: DataLoader<string, ProductModel>;
}

/** The catalog REST service as the subgraphs see it. Every product read here primes `productBySku`. */
export interface CatalogSource {
  /** This request's loaders, created on first use. */
  loaders(ctx: SubgraphContext): CatalogLoaders;
  /** `GET /products/search?q=…&limit=N`. */
  search(ctx: SubgraphContext, query: string, limit: number): Promise<ProductModel[]>;
  /** `GET /products/recommendations?userId=…[&limit=N]`. */
  recommendations(ctx: SubgraphContext, userId: string, limit?: number): Promise<ProductModel[]>;
}

export function createProductLoader(
  fetchProducts: (skus: readonly string[]) => Promise<readonly ProductModel[]>,
  maxBatchSize?: number,
): DataLoader<string, ProductModel> {
  return createBatchLoader({ fetchMany: fetchProducts, keyOf: (product) => product.sku, missing: (sku) => notFound('Product', sku), maxBatchSize });
}

export function createCatalogSource(client: RestClient, options: { maxBatchSize?: number | undefined } = {}): CatalogSource {
  const list = async (ctx: SubgraphContext, path: string, query: Record<string, string | number | undefined>): Promise<ProductModel[]> => {
    try {
      return await client.get(path, parseProducts, { ...restCallOptions(ctx), query });
    } catch (err) {
      throw fromRestError(ctx, err, 'Product');
    }
  };

  // One set of loaders per request, never per process: a DataLoader keeps everything it loaded,
  // so a shared one would hand one viewer's data to the next and never see an update.
  const loaders = perRequest(
    (ctx: SubgraphContext): CatalogLoaders => ({
      productBySku: createProductLoader((skus) => list(ctx, '/products', { skus: keyList(skus) }), options.maxBatchSize),
    }),
  );

  const primed = (ctx: SubgraphContext, products: ProductModel[]): ProductModel[] => {
    const { productBySku } = loaders(ctx);
    for (const product of products) productBySku.prime(product.sku, product);
    return products;
  };

  return {
    loaders,
    search: async (ctx, query, limit) => primed(ctx, await list(ctx, '/products/search', { q: query, limit })),
    recommendations: async (ctx, userId, limit) => primed(ctx, await list(ctx, '/products/recommendations', { userId, limit })),
  };
}
