import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One point of a learning curve: a scenario's score on one evaluation set after `events` label events. */
export interface CurvePoint {
  scenario: string;
  set: 'seen' | 'unseen';
  events: number;
  mapAtR: number;
}

/** A horizontal reference line: a score that does not depend on the events received (e.g. raw pixels). */
export interface ReferenceLine {
  set: 'seen' | 'unseen';
  mapAtR: number;
  label: string;
}

/**
 * The learning curves as an SVG: MAP@R against label events (log scale), one line per
 * scenario and evaluation set, with reference scores (raw pixels, the offline recipe) as
 * dashed lines.
 *
 * @example
 * await writeFile('curve.svg', await learningCurveSvg(points, [{ set: 'seen', mapAtR: 0.25, label: 'raw pixels · seen' }]));
 */
export async function learningCurveSvg(points: CurvePoint[], references: ReferenceLine[]): Promise<string> {
  const lines = points.map((p) => ({ ...p, series: `${p.scenario} · ${p.set}` }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Live model MAP@R on held-out test items vs. label feedback',
    width: 640,
    height: 380,
    layer: [
      {
        data: { values: lines },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'events', type: 'quantitative', scale: { type: 'log' }, title: 'label events received' },
          y: { field: 'mapAtR', type: 'quantitative', title: 'MAP@R', scale: { zero: false } },
          color: { field: 'series', type: 'nominal', title: 'scenario · classes' },
          strokeDash: { field: 'set', type: 'nominal', legend: null },
        },
      },
      {
        data: { values: references },
        mark: { type: 'rule', strokeDash: [6, 4], color: 'gray' },
        encoding: { y: { field: 'mapAtR', type: 'quantitative' }, size: { value: 1 } },
      },
      {
        data: { values: references },
        mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: 'gray' },
        encoding: { y: { field: 'mapAtR', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
