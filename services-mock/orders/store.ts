import type { Order, OrderItem, Product, User } from '../data/seed.js';

export interface OrderInputError {
  error: 'invalid order';
  field: string;
  message: string;
}

export type CreateResult = { ok: true; order: Order } | { ok: false; error: OrderInputError };

const invalid = (field: string, message: string): CreateResult => ({ ok: false, error: { error: 'invalid order', field, message } });
const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Newest first; ids break ties so the order is total. */
const newestFirst = (a: Order, b: Order): number =>
  a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : Number(b.id) - Number(a.id);

/**
 * Orders of one service instance: the seeded ones plus those created since it started.
 * No I/O; the clock is injected so tests can pin it.
 */
export class OrderStore {
  private readonly byId = new Map<string, Order>();
  private readonly byUser = new Map<string, Order[]>();
  private nextId: number;

  constructor(
    seeded: readonly Order[],
    private readonly users: ReadonlyMap<string, User>,
    private readonly products: ReadonlyMap<string, Product>,
    private readonly now: () => Date = () => new Date(),
  ) {
    for (const order of seeded) this.index(order);
    for (const list of this.byUser.values()) list.sort(newestFirst);
    this.nextId = Math.max(0, ...seeded.map((o) => Number(o.id))) + 1;
  }

  get(id: string): Order | undefined {
    return this.byId.get(id);
  }

  forUser(userId: string, limit?: number): Order[] {
    const list = this.byUser.get(userId) ?? [];
    return list.slice(0, limit ?? list.length);
  }

  create(input: unknown): CreateResult {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return invalid('body', 'must be a JSON object');
    const { userId, items } = input as Record<string, unknown>;
    if (typeof userId !== 'string' || userId === '') return invalid('userId', 'must be a non-empty string');
    if (!this.users.has(userId)) return invalid('userId', 'user not found');
    if (!Array.isArray(items) || items.length === 0) return invalid('items', 'must be a non-empty array');

    const lines: OrderItem[] = [];
    for (const [i, item] of items.entries()) {
      const at = `items[${i}]`;
      if (typeof item !== 'object' || item === null) return invalid(at, 'must be an object');
      const { sku, quantity } = item as Record<string, unknown>;
      if (typeof sku !== 'string') return invalid(`${at}.sku`, 'must be a string');
      const product = this.products.get(sku);
      if (!product) return invalid(`${at}.sku`, 'product not found');
      if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) {
        return invalid(`${at}.quantity`, 'must be a positive integer');
      }
      lines.push({ sku, quantity, unitPrice: product.price });
    }

    const order: Order = Object.freeze({
      id: String(this.nextId++),
      userId,
      status: 'PENDING',
      createdAt: this.now().toISOString(),
      items: Object.freeze(lines),
      total: round2(lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0)),
    });
    this.index(order);
    this.byUser.get(userId)!.sort(newestFirst);
    return { ok: true, order };
  }

  private index(order: Order): void {
    this.byId.set(order.id, order);
    const list = this.byUser.get(order.userId);
    if (list) list.push(order);
    else this.byUser.set(order.userId, [order]);
  }
}
