/**
 * Completion indexes as upstream's indexed_job_utils.go keeps them: ordered, merged intervals written
 * as "0-2,4" (a run of two is written "5,6", of three or more "1-3"). Used for status.completedIndexes,
 * status.failedIndexes and successPolicy's succeededIndexes.
 */

export interface Interval {
  first: number;
  last: number;
}

/** Ordered, non-overlapping, non-adjacent intervals. */
export type Intervals = readonly Interval[];

/**
 * parseIndexesFromString: "0-2,4" → [0..2], [4..4]; parts at or past `completions` are dropped or
 * clipped, unparseable parts skipped. With completions 3, "1,2-5,7" → [1..2].
 */
export function parseIndexes(text: string | undefined | null, completions: number): Interval[] {
  if (!text) return [];
  const result: Interval[] = [];
  for (const part of text.split(",")) {
    const limits = part.split("-");
    const first = goAtoi(limits[0]);
    if (first === undefined) continue;
    if (first >= completions) break;
    let last = first;
    if (limits.length > 1) {
      const parsed = goAtoi(limits[1]);
      if (parsed === undefined) continue;
      last = Math.min(parsed, completions - 1);
    }
    const previous = result[result.length - 1];
    if (previous && previous.last === first - 1) previous.last = last;
    else result.push({ first, last });
  }
  return result;
}

/** strconv.Atoi for the digits-only strings this format holds. */
function goAtoi(text: string | undefined): number | undefined {
  return text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** orderedIntervals.String: [0..2], [4..4], [6..7] → "0-2,4,6,7". */
export function formatIndexes(intervals: Intervals): string {
  return intervals
    .map(({ first, last }) => (last === first ? `${first}` : last === first + 1 ? `${first},${last}` : `${first}-${last}`))
    .join(",");
}

/** orderedIntervals.merge: the union of two interval lists. [0..1] ∪ [2..2], [5..5] → [0..2], [5..5]. */
export function mergeIntervals(a: Intervals, b: Intervals): Interval[] {
  const all = [...a, ...b].sort((x, y) => x.first - y.first);
  const result: Interval[] = [];
  for (const { first, last } of all) {
    const previous = result[result.length - 1];
    if (!previous || first > previous.last + 1) result.push({ first, last });
    else if (previous.last < last) previous.last = last;
  }
  return result;
}

/** withOrderedIndexes: adds single indexes. [0..1] + {3, 2} → [0..3]. */
export function withIndexes(intervals: Intervals, indexes: Iterable<number>): Interval[] {
  return mergeIntervals(intervals, [...indexes].map((i) => ({ first: i, last: i })));
}

/** total: how many indexes the intervals hold. [0..2], [4..4] → 4. */
export function countIndexes(intervals: Intervals): number {
  return intervals.reduce((n, { first, last }) => n + last - first + 1, 0);
}

export function hasIndex(intervals: Intervals | undefined, index: number): boolean {
  return intervals?.some(({ first, last }) => first <= index && index <= last) ?? false;
}

/**
 * firstPendingIndexes: the `count` lowest indexes below `completions` that no interval covers.
 * Busy [0..1], [3..3], completions 6, count 2 → [2, 4].
 */
export function firstPendingIndexes(busy: Intervals, count: number, completions: number): number[] {
  const result: number[] = [];
  let candidate = 0;
  for (const { first, last } of busy) {
    for (; candidate < completions && result.length < count && candidate < first; candidate++) result.push(candidate);
    if (candidate < last + 1) candidate = last + 1;
  }
  for (; candidate < completions && result.length < count; candidate++) result.push(candidate);
  return result;
}

/**
 * matchSucceededIndexesRule (successPolicy): does `succeeded` cover all of `rule`, or at least
 * `succeededCount` of it? Rule [0..2], succeeded [1..5], count 2 → true (1 and 2).
 */
export function coversRule(rule: Intervals, succeeded: Intervals, succeededCount: number | undefined): boolean {
  let contained = 0;
  for (const r of rule) {
    for (const s of succeeded) {
      const overlap = Math.min(r.last, s.last) - Math.max(r.first, s.first) + 1;
      if (overlap > 0) contained += overlap;
    }
  }
  return contained === countIndexes(rule) || (succeededCount !== undefined && contained >= succeededCount);
}
