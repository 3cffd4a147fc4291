import type { ProductModel } from '../catalog/model.js';
import type { OrderModel } from '../orders/model.js';
import type { UserModel } from '../users/model.js';

/**
 * Parent of `Dashboard` resolvers. Each part is a read already under way (or started on first
 * call); each field awaits only its own part, so one failed service nulls one field.
 */
export interface DashboardModel {
  readonly userId: string;
  readonly user: () => Promise<UserModel>;
  readonly recentOrders: () => Promise<OrderModel[]>;
  readonly recommendedProducts: () => Promise<ProductModel[]>;
}
