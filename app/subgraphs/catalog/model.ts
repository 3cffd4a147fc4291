import { z } from 'zod';

/** A product as the catalog REST service sends it. */
export const RestProduct = z.object({
  sku: z.string(),
  title: z.string(),
  description: z.string(),
  price: z.number(),
  category: z.string(),
  weight: z.number(),
});
export type RestProduct = z.infer<typeof RestProduct>;

/** Parent of `Product` resolvers (codegen mapper). */
export interface ProductModel {
  readonly sku: string;
  readonly title: string;
  readonly description: string;
  readonly price: number;
  readonly category: string;
  /** Kilograms. */
  readonly weight: number;
}
