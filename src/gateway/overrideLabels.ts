import type { Supergraph } from '@apollo/federation-internals';

/**
 * Progressive `@override` (Federation 2.7): a field moved with `@override(from: …, label: …)` is
 * served by the new subgraph only while its label is on. As in Apollo Router, a `percent(N)` label
 * is on for N % of requests: one number from 0 to 100 is drawn per request, and every `percent(N)`
 * with N above it is on (a request that gets `percent(10)`'s field moved gets `percent(50)`'s moved
 * too, and Hive's planner, told the same number, decides the same). Any other label is on when the
 * operator lists it (`OVERRIDE_LABELS`). Apollo's planner takes the outcome as `overrideConditions`
 * and treats a label it is not told about as off, which is all `@apollo/gateway` ever tells it.
 */
export interface OverrideLabels {
  /** The labels of the served supergraph, in a fixed order. */
  readonly labels: readonly string[];
  /**
   * One request's outcome: the planner's conditions, a key telling its plan apart from other
   * outcomes, the number drawn and the custom labels that are on.
   */
  draw(random?: () => number): {
    readonly conditions: Map<string, boolean>;
    readonly key: string;
    readonly percentage: number;
    readonly active: ReadonlySet<string>;
  };
}

const PERCENT = /^percent\((\d{1,3}(?:\.\d+)?)\)$/;

/** Every override label a supergraph's `join__field` applications carry. */
export function overrideLabelsIn(supergraph: Supergraph): string[] {
  const joinField = supergraph.schema.directives().find((d) => d.name === 'join__field');
  const labels = new Set<string>();
  for (const application of joinField?.applications() ?? []) {
    const label = (application.arguments() as { overrideLabel?: unknown }).overrideLabel;
    if (typeof label === 'string' && label) labels.add(label);
  }
  return [...labels].sort();
}

/** The labels' chooser; `active` are the non-percentage labels that are on. */
export function overrideLabels(labels: readonly string[], active: ReadonlySet<string>): OverrideLabels {
  const rules = labels.map((label) => {
    const match = PERCENT.exec(label);
    const percent = match ? Number(match[1]) : undefined;
    // Anything else, percent(101) included, is a custom label.
    return { label, percent: percent !== undefined && percent <= 100 ? percent : undefined };
  });
  return {
    labels,
    draw(random = Math.random) {
      const percentage = random() * 100;
      const conditions = new Map<string, boolean>();
      let key = '';
      rules.forEach(({ label, percent }, i) => {
        const on = percent === undefined ? active.has(label) : percentage < percent;
        conditions.set(label, on);
        if (on) key += `${key ? ',' : ''}${i}`;
      });
      return { conditions, key, percentage, active };
    },
  };
}
