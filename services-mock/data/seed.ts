import { hashString, intBetween, mulberry32, pick, sample, shuffled, type Rng } from './prng.js';

export interface User {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly createdAt: string;
}

export interface Product {
  readonly sku: string;
  readonly title: string;
  readonly description: string;
  readonly price: number;
  readonly category: string;
  readonly weight: number;
}

export type OrderStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'DELIVERED';

export interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

export interface Order {
  readonly id: string;
  readonly userId: string;
  readonly status: OrderStatus;
  readonly createdAt: string;
  readonly items: readonly OrderItem[];
  readonly total: number;
}

export interface Review {
  readonly id: string;
  readonly rating: number;
  readonly body: string;
  readonly authorId: string;
  readonly sku: string;
}

export interface SeedData {
  readonly users: readonly User[];
  readonly products: readonly Product[];
  readonly orders: readonly Order[];
  readonly reviews: readonly Review[];
}

export const USER_COUNT = 200;
export const PRODUCT_COUNT = 500;
export const ORDER_COUNT = 2000;
export const REVIEW_COUNT = 1500;

// One seed per collection, so changing how one is built does not reshuffle the others.
const SEEDS = { users: 1, products: 2, orders: 3, reviews: 4 } as const;

const FIRST = ['Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'John', 'Frances',
  'Dennis', 'Sophie', 'Tim', 'Hedy', 'Linus', 'Adele', 'Niklaus', 'Katherine', 'Guido', 'Shafi'] as const;
const LAST = ['Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Perlman', 'McCarthy',
  'Allen', 'Ritchie', 'Wilson', 'Berners-Lee', 'Lamarr', 'Torvalds', 'Goldberg', 'Wirth', 'Johnson', 'Rossum', 'Goldwasser'] as const;

const CATALOG: Readonly<Record<string, readonly string[]>> = {
  kitchen: ['Kettle', 'Frying Pan', 'Chef Knife', 'Cutting Board', 'Teapot', 'Mixing Bowl'],
  garden: ['Trowel', 'Watering Can', 'Pruning Shears', 'Planter', 'Hose Reel'],
  office: ['Desk Lamp', 'Notebook', 'Fountain Pen', 'Monitor Stand', 'Desk Organizer'],
  outdoor: ['Tent', 'Sleeping Bag', 'Headlamp', 'Camping Stove', 'Backpack'],
  audio: ['Headphones', 'Speaker', 'Turntable', 'Microphone', 'Amplifier'],
  toys: ['Puzzle', 'Kite', 'Building Blocks', 'Yo-Yo', 'Board Game'],
  home: ['Blanket', 'Cushion', 'Wall Clock', 'Candle', 'Vase'],
  fitness: ['Yoga Mat', 'Kettlebell', 'Jump Rope', 'Foam Roller', 'Dumbbell'],
};
const ADJECTIVES = ['Classic', 'Compact', 'Deluxe', 'Rugged', 'Minimal', 'Vintage', 'Smart', 'Eco', 'Pro', 'Travel'] as const;
const MATERIALS = ['Oak', 'Steel', 'Ceramic', 'Bamboo', 'Copper', 'Linen', 'Walnut', 'Cotton', 'Glass', 'Aluminium'] as const;

const REVIEW_BODIES: Readonly<Record<number, readonly string[]>> = {
  1: ['Broke after a week.', 'Not as described.', 'Would not buy again.'],
  2: ['Disappointing quality.', 'It works, barely.', 'Overpriced for what it is.'],
  3: ['Does the job.', 'Average, nothing special.', 'Fine for the price.'],
  4: ['Very good, small quirks.', 'Solid and well made.', 'Happy with it.'],
  5: ['Excellent, exactly what I wanted.', 'Five stars, would buy again.', 'Better than expected.'],
};

const DAY_MS = 86_400_000;
const USERS_FROM = Date.UTC(2023, 0, 1);
const ORDERS_FROM = Date.UTC(2024, 0, 1);

const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString();
const round2 = (n: number): number => Math.round(n * 100) / 100;

export const skuOf = (n: number): string => `SKU-${String(n).padStart(4, '0')}`;

/** The number in a sku (`SKU-0042` → 42), or NaN. */
export const skuNumber = (sku: string): number => (/^SKU-\d{4}$/.test(sku) ? Number(sku.slice(4)) : Number.NaN);

function buildUsers(rng: Rng): User[] {
  const users: User[] = [];
  for (let i = 1; i <= USER_COUNT; i++) {
    const first = pick(rng, FIRST);
    const last = pick(rng, LAST);
    const createdAt = iso(USERS_FROM + (i - 1) * 1.5 * DAY_MS + rng() * DAY_MS);
    users.push(
      i === 1
        ? { id: '1', name: 'Ada Lovelace', email: 'ada@example.com', createdAt }
        : { id: String(i), name: `${first} ${last}`, email: `${first}.${last}${i}@example.com`.toLowerCase(), createdAt },
    );
  }
  return users;
}

function buildProducts(rng: Rng): Product[] {
  const categories = Object.keys(CATALOG);
  const products: Product[] = [];
  for (let i = 1; i <= PRODUCT_COUNT; i++) {
    const category = pick(rng, categories);
    const noun = pick(rng, CATALOG[category]!);
    const adjective = pick(rng, ADJECTIVES);
    const material = pick(rng, MATERIALS);
    // Skewed towards cheap items, in steps of 0.5; about a quarter cost more than 100 (free shipping).
    const price = Math.round((2 + rng() ** 3 * 250) * 2) / 2;
    const weight = Math.round((0.1 + rng() * 15) * 10) / 10;
    products.push({
      sku: skuOf(i),
      title: `${adjective} ${material} ${noun}`,
      description: `A ${adjective.toLowerCase()} ${noun.toLowerCase()} made of ${material.toLowerCase()}.`,
      price,
      category,
      weight,
    });
  }
  return products;
}

function buildOrders(rng: Rng, products: readonly Product[]): Order[] {
  // Give each user one order at a random position, then fill the rest at random.
  const owners: string[] = Array.from({ length: ORDER_COUNT }, () => String(intBetween(rng, 1, USER_COUNT)));
  const positions = shuffled(rng, Array.from({ length: ORDER_COUNT }, (_, i) => i)).slice(0, USER_COUNT);
  positions.forEach((pos, u) => (owners[pos] = String(u + 1)));

  const statuses: readonly OrderStatus[] = ['DELIVERED', 'DELIVERED', 'DELIVERED', 'SHIPPED', 'PAID', 'PENDING'];
  const orders: Order[] = [];
  for (let i = 1; i <= ORDER_COUNT; i++) {
    const chosen = sample(rng, products, intBetween(rng, 1, 4));
    const items = chosen.map((p) => ({ sku: p.sku, quantity: intBetween(rng, 1, 5), unitPrice: p.price }));
    orders.push({
      id: String(i),
      userId: owners[i - 1]!,
      status: pick(rng, statuses),
      // Strictly increasing with the id (4 hours apart, jitter under 4 hours).
      createdAt: iso(ORDERS_FROM + (i - 1) * 4 * 3_600_000 + rng() * 3 * 3_600_000),
      items,
      total: round2(items.reduce((sum, it) => sum + it.quantity * it.unitPrice, 0)),
    });
  }
  return orders;
}

function buildReviews(rng: Rng): Review[] {
  // One review for every even sku first, then the rest anywhere.
  const skus: number[] = [];
  for (let n = 2; n <= PRODUCT_COUNT; n += 2) skus.push(n);
  while (skus.length < REVIEW_COUNT) skus.push(intBetween(rng, 1, PRODUCT_COUNT));
  return shuffled(rng, skus).map((n, i) => {
    const rating = intBetween(rng, 1, 5);
    return {
      id: `r${i + 1}`,
      rating,
      body: pick(rng, REVIEW_BODIES[rating]!),
      authorId: String(intBetween(rng, 1, USER_COUNT)),
      sku: skuOf(n),
    };
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Builds the fixtures from scratch. Pure: same output on every call. */
export function buildSeed(): SeedData {
  const products = buildProducts(mulberry32(SEEDS.products));
  return deepFreeze({
    users: buildUsers(mulberry32(SEEDS.users)),
    products,
    orders: buildOrders(mulberry32(SEEDS.orders), products),
    reviews: buildReviews(mulberry32(SEEDS.reviews)),
  });
}

let cached: SeedData | undefined;

/** The shared, frozen fixtures (built on first use). */
export function seed(): SeedData {
  cached ??= buildSeed();
  return cached;
}

/** A per-user PRNG, for answers that must be stable for one user (recommendations). */
export const rngFor = (key: string): Rng => mulberry32(hashString(key));
