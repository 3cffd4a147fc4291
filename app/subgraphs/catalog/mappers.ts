import { z } from 'zod';
import { RestProduct, type ProductModel } from './model.js';

export function toProduct(raw: RestProduct): ProductModel {
  return {
    sku: raw.sku,
    title: raw.title,
    description: raw.description,
    price: raw.price,
    category: raw.category,
    weight: raw.weight,
  };
}

/** Body of `GET /products?…`, `/products/search` and `/products/recommendations`. Throws on an unexpected shape. */
export function parseProducts(json: unknown): ProductModel[] {
  return z.array(RestProduct).parse(json).map(toProduct);
}
