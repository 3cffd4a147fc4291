import { allow, deny, rule } from 'graphql-shield';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, userViewer, type Viewer } from '../../src/auth/viewer.js';
import { directiveRules } from '../../src/policy/directives.js';
import { markEnforcedAtEdge } from '../../src/composition/edgeAuthorization.js';
import { createRuleLookup, validateRuleTree } from '../../src/policy/ruleTree.js';
import { hasScopes, isAuthenticated, isContextOnly, requiresScopes, type ShieldRule } from '../../src/policy/rules.js';

const viewer = (...scopes: string[]): Viewer => userViewer('1', { scopes });
const decide = (r: ShieldRule, v: Viewer) =>
  r.resolve({}, {}, { viewer: v, _shield: { cache: {} } } as never, {} as never, {
    debug: false,
    allowExternalErrors: false,
    fallbackRule: allow,
    hashFunction: () => '',
  });
const codeOf = async (r: ShieldRule, v: Viewer) => {
  const result = await decide(r, v);
  return result === true ? 'ALLOW' : (result as { extensions?: { code?: string } }).extensions?.code;
};

const SUPERGRAPH = `
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", as: "scopes", for: SECURITY)
{ query: Query }
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @scopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
type Query { me: Account @authenticated, public: String, secret: Secret }
type Account { name: String, salary: Int @scopes(scopes: [["hr"], ["admin", "audit"]]) }
type Secret @authenticated { value: String }
`;

describe('rules', () => {
  it('isAuthenticated and requiresScopes answer UNAUTHENTICATED to anonymous viewers, FORBIDDEN to the others', async () => {
    expect(await codeOf(isAuthenticated, ANONYMOUS)).toBe('UNAUTHENTICATED');
    expect(await codeOf(isAuthenticated, viewer())).toBe('ALLOW');
    const salary = requiresScopes([['hr'], ['admin', 'audit']]);
    expect(await codeOf(salary, ANONYMOUS)).toBe('UNAUTHENTICATED');
    expect(await codeOf(salary, viewer('admin'))).toBe('FORBIDDEN');
    expect(await codeOf(salary, viewer('admin', 'audit'))).toBe('ALLOW');
    expect(await codeOf(salary, viewer('hr'))).toBe('ALLOW');
    expect(await codeOf(hasScopes('a', 'b'), viewer('a'))).toBe('FORBIDDEN');
  });

  it('knows which rules depend on the context only', () => {
    expect(isContextOnly(isAuthenticated)).toBe(true);
    expect(isContextOnly(deny)).toBe(true);
    expect(isContextOnly(rule()(() => true))).toBe(false);
  });

  it('looks rules up by Type.field, then Type.*, then a rule for the whole type, then the fallback', () => {
    const own = rule()(() => true);
    const wild = rule()(() => true);
    const whole = rule()(() => true);
    const tree = { User: { email: own, '*': wild }, Secret: whole, Open: { x: allow } };
    const lookup = createRuleLookup(tree, new Map(), 'allow');
    expect(lookup('User', 'email')).toBe(own);
    expect(lookup('User', 'name')).toBe(wild);
    expect(lookup('Secret', 'value')).toBe(whole);
    expect(lookup('Open', 'x')).toBeUndefined();
    expect(lookup('Other', 'x')).toBeUndefined();
    expect(createRuleLookup(tree, new Map(), 'deny')('Other', 'x')).toBe(deny);
    expect(() => validateRuleTree({ User: { email: 'yes' as never } })).toThrow('rules.User.email must be a graphql-shield rule');
  });

  it('turns supergraph directives into rules, field and type level, renamed links included, combined with the tree', async () => {
    const rules = directiveRules(SUPERGRAPH);
    expect([...rules.keys()].sort()).toEqual(['Account.salary', 'Query.me', 'Query.secret']);
    expect(await codeOf(rules.get('Account.salary')!, viewer('hr'))).toBe('ALLOW');
    expect(await codeOf(rules.get('Account.salary')!, viewer())).toBe('FORBIDDEN');
    expect(await codeOf(rules.get('Query.secret')!, ANONYMOUS)).toBe('UNAUTHENTICATED');

    const onlyAdmins = rule('admins', { cache: 'contextual' })((_p, _a, ctx: { viewer: Viewer }) => ctx.viewer.scopes.has('admin'));
    const combined = createRuleLookup({ Query: { me: onlyAdmins } }, rules, 'allow')('Query', 'me')!;
    expect(await codeOf(combined, ANONYMOUS)).toBe('UNAUTHENTICATED');
    expect(await decide(combined, viewer())).not.toBe(true);
    expect(await decide(combined, viewer('admin'))).toBe(true);
  });

  it('marks the authorization links as enforced at the edge and leaves the rest alone', () => {
    const marked = markEnforcedAtEdge(SUPERGRAPH);
    expect(marked).toContain('@link(url: "https://specs.apollo.dev/authenticated/v0.1")');
    expect(marked).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", as: "scopes")');
    expect(marked).toContain('@link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)');
    expect(directiveRules(marked).size).toBe(3);
  });
});
