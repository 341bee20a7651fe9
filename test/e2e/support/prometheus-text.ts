/**
 * The value of one series in a Prometheus text exposition (`name` or `name{labels}` exactly as
 * exposed), or undefined when it is absent.
 *
 * @example
 * metricValue(await (await fetch(`${url}/metrics`)).text(), 'discern_trainer_restarts_total'); // 2
 */
export function metricValue(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
