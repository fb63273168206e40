// The chart `npm run bench` writes beside its JSON: a Vega-Lite spec, compiled to Vega and
// rendered to SVG in Node by Vega's own View (no browser, no canvas: text widths are estimated).
import { writeFileSync } from 'node:fs';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ThroughputResult } from '../phases/throughput.js';
import type { BenchReport } from './report.js';
import { THROUGHPUT_SCENARIOS, type ThroughputScenario } from './servers.js';

type Kind = 'reference' | 'stock parts' | 'this library' | 'bench-only variant';

const KINDS: Record<ThroughputScenario, Kind> = {
  bare: 'reference',
  'naive-nest': 'reference',
  'express-session-baseline': 'stock parts',
  'guarded-redis': 'this library',
  'guarded-memory': 'this library',
  'guarded-redis-no-cv-check': 'bench-only variant',
  'guarded-redis-cv-uncached': 'bench-only variant',
};

type Figure = keyof Pick<
  ThroughputResult,
  'reqPerSec' | 'p99Ms' | 'ratioToBare' | 'p99RatioToBare' | 'ratioToNaive' | 'p99RatioToNaive'
>;

interface Panel {
  figure: Figure;
  title: string;
  /** d3-format of the bar's label. */
  format: string;
  suffix: string;
  /** Ratios get a dashed rule at 1×, the reference scenario. */
  ratio: boolean;
}

/** Left column throughput, right column tail latency; rows: absolute, ÷ bare, ÷ naive-nest. */
const PANELS: readonly Panel[] = [
  {
    figure: 'reqPerSec',
    title: 'req/s (higher is better)',
    format: ',.0f',
    suffix: '',
    ratio: false,
  },
  {
    figure: 'p99Ms',
    title: 'p99 ms (lower is better)',
    format: '.0f',
    suffix: ' ms',
    ratio: false,
  },
  { figure: 'ratioToBare', title: 'req/s ÷ bare', format: '.2f', suffix: '×', ratio: true },
  { figure: 'p99RatioToBare', title: 'p99 ÷ bare p99', format: '.2f', suffix: '×', ratio: true },
  { figure: 'ratioToNaive', title: 'req/s ÷ naive-nest', format: '.2f', suffix: '×', ratio: true },
  {
    figure: 'p99RatioToNaive',
    title: 'p99 ÷ naive-nest p99',
    format: '.2f',
    suffix: '×',
    ratio: true,
  },
];

function isThroughput(scenario: BenchReport['scenarios'][number]): scenario is ThroughputResult {
  return (THROUGHPUT_SCENARIOS as readonly string[]).includes(scenario.name);
}

function panelSpec(panel: Panel, rows: readonly ThroughputResult[]) {
  const order = rows.map((row) => row.name);
  // Room right of the longest bar for its label.
  const max = Math.max(1, ...rows.map((row) => row[panel.figure])) * 1.25;
  const y = { field: 'scenario', type: 'nominal', sort: order, title: null } as const;
  const x = {
    field: panel.figure,
    type: 'quantitative',
    title: null,
    scale: { domain: [0, max], nice: false },
  } as const;
  return {
    title: panel.title,
    width: 260,
    height: { step: 18 },
    transform: [
      {
        calculate: `format(datum.${panel.figure}, '${panel.format}') + '${panel.suffix}'`,
        as: 'label',
      },
    ],
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y,
          x,
          color: { field: 'kind', type: 'nominal', title: null, sort: Object.values(KINDS) },
          tooltip: [{ field: 'scenario' }, { field: 'label', title: panel.title }],
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
        encoding: { y, x, text: { field: 'label' } },
      },
      ...(panel.ratio
        ? [
            {
              data: { values: [{ one: 1 }] },
              mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
              encoding: { x: { field: 'one', type: 'quantitative' } },
            },
          ]
        : []),
    ],
  };
}

/** The Vega-Lite spec of the throughput scenarios: req/s and p99, and their ratios as bars. */
export function chartSpec(report: BenchReport): TopLevelSpec | null {
  const rows = report.scenarios.filter(isThroughput);
  if (rows.length === 0) return null;
  const { machine, settings } = report;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `npm run bench, throughput scenarios (${report.date.slice(0, 10)})`,
      subtitle: [
        `${machine.cores} × ${machine.cpu}, Node ${machine.node}, Redis ${machine.redis}`,
        `autocannon, ${settings.connections} connections, median of ${settings.rounds} ` +
          `interleaved round${settings.rounds === 1 ? '' : 's'} of ${settings.durationSeconds} s; ` +
          'dashed line = 1×',
      ],
      anchor: 'start',
    },
    data: {
      values: rows.map((row) => ({
        ...row,
        scenario: row.name,
        kind: KINDS[row.name],
        rounds: [],
      })),
    },
    columns: 2,
    concat: PANELS.map((panel) => panelSpec(panel, rows)),
    resolve: { scale: { x: 'independent' } },
    config: {
      font: 'sans-serif',
      axisY: { labelLimit: 220 },
      legend: { orient: 'bottom' },
      view: { stroke: null },
    },
  } as TopLevelSpec;
}

/** Writes the chart as SVG; returns false when the report has no throughput scenario. */
export async function writeChart(path: string, report: BenchReport): Promise<boolean> {
  const spec = chartSpec(report);
  if (!spec) return false;
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    writeFileSync(path, await view.toSVG());
  } finally {
    view.finalize();
  }
  return true;
}
