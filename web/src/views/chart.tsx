// One license's usage over time, drawn with uPlot: peak sessions (steps) against the license's seats (dashed),
// denied sign-ins as red marks. The table under the charts holds the same numbers for screen readers.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { countOf } from '../format.js';
import type { ChartData, Interval } from '../reports.js';

const HEIGHT = 220;
const HOUR = 3600;
const DAY = 86_400;
const HOUR_TICKS = [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];
const DAY_TICKS = [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 91 * DAY];
const COUNT_TICKS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

/** `11-30` for a day, `14:00` for an hour (with the date at midnight). */
function tickLabel(seconds: number, interval: Interval): string {
  const iso = new Date(seconds * 1000).toISOString();
  if (interval === 'day' || iso.slice(11, 16) === '00:00') return iso.slice(5, 10);
  return iso.slice(11, 16);
}
const COLORS = { peak: '#a5410f', seats: '#1a5fd0', denied: '#b3261e' };

function options(width: number, interval: Interval, range: [number, number]): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    // Buckets are UTC hours or days; the axis says so rather than shifting them to the viewer's zone.
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      // The whole range asked for, also when the license started within it (no rows before it existed).
      x: { time: true, range: () => range },
      y: { range: (_plot, _min, max) => [0, Math.max(1, Math.ceil(max * 1.15))] },
    },
    axes: [
      {
        label: interval === 'hour' ? 'Hour (UTC)' : 'Day (UTC)',
        labelSize: 20,
        // Ticks on whole buckets, written as the table writes them (UTC).
        incrs: interval === 'hour' ? HOUR_TICKS : DAY_TICKS,
        values: (_plot, splits) => splits.map((seconds) => tickLabel(seconds, interval)),
      },
      // Sessions and seats are whole numbers.
      { label: 'Sessions', labelSize: 20, incrs: COUNT_TICKS },
    ],
    series: [
      {},
      {
        label: 'Peak sessions',
        stroke: COLORS.peak,
        width: 2,
        fill: 'rgba(165, 65, 15, 0.08)',
        ...(uPlot.paths.stepped ? { paths: uPlot.paths.stepped({ align: 1 }) } : {}),
      },
      { label: 'Seats', stroke: COLORS.seats, width: 2, dash: [6, 4] },
      {
        label: 'Denied sign-ins',
        stroke: COLORS.denied,
        // Marks only: a denial happens in a bucket, it is not a level that runs on.
        paths: () => null,
        points: { show: true, size: 10, width: 2, stroke: COLORS.denied, fill: '#fff' },
      },
    ],
  };
}

/** What the chart shows, in one sentence (the chart's accessible name). */
export function chartSummary(name: string, data: ChartData, seats: number): string {
  return `${name}: at most ${countOf(data.maxPeak, 'session')} at once against ${countOf(seats, 'seat')}; ${
    data.totalDenied ? `${countOf(data.totalDenied, 'denied sign-in')} marked` : 'no denied sign-ins'
  }.`;
}

/** A chart of one license; redrawn when its data changes and resized with its box. */
export function UsageChart(props: {
  name: string;
  seats: number;
  data: ChartData;
  interval: Interval;
  /** The report's [from, to) in seconds. */
  range: [number, number];
}) {
  const box = useRef<HTMLDivElement>(null);
  const { data, interval } = props;
  const [rangeFrom, rangeTo] = props.range;
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const plot = new uPlot(
      options(element.clientWidth, interval, [rangeFrom, rangeTo]),
      [data.xs, data.peak, data.seats, data.denied],
      element,
    );
    const observer = new ResizeObserver(() => {
      if (element.clientWidth !== plot.width) plot.setSize({ width: element.clientWidth, height: HEIGHT });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [data, interval, rangeFrom, rangeTo]);
  const summary = chartSummary(props.name, data, props.seats);
  return (
    <figure class="chart">
      <figcaption>
        <strong>{props.name}</strong>
        <ul class="chart-legend" aria-hidden="true">
          <li class="key-peak">Peak sessions</li>
          <li class="key-seats">Seats</li>
          <li class="key-denied">Denied sign-ins</li>
        </ul>
      </figcaption>
      <div ref={box} class="chart-box" role="img" aria-label={summary} />
    </figure>
  );
}
