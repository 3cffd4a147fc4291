import type { Suite } from '../harness.js';
import { interfaceObjectSuite } from './interfaceObject.js';
import { keysSuite } from './keys.js';
import { providesOverrideSuite } from './providesOverride.js';
import { requiresSuite } from './requires.js';
import { shopSuite } from './shop.js';

export const SUITES: readonly Suite[] = [keysSuite, requiresSuite, providesOverrideSuite, interfaceObjectSuite, shopSuite];
