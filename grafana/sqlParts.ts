/** SQL fragments the dashboards share. Kept to what ClickHouse 18.16 and current releases both run. */

/** The panels' channel filter on a column: the `channel` variable, one or many (or All) channels. */
export function inChannels(column = 'channel'): string {
  return `${column} IN (\${channel:singlequote})`;
}

/**
 * `WITH … AS bucket_s`: the width of a time bucket in seconds, a multiple of `minSeconds`
 * (the window size of the data, so no window is split between two buckets) and at least
 * Grafana's interval. 18.16 has no toStartOfInterval, hence the arithmetic.
 */
export function bucketSeconds(minSeconds: number): string {
  return `WITH greatest(${minSeconds}, intDiv($__interval_s, ${minSeconds}) * ${minSeconds}) AS bucket_s`;
}

/** Start of the `bucket_s` bucket holding `column` (a DateTime), as a UTC DateTime named `time`. */
export function bucketTime(column: string): string {
  return `toDateTime(intDiv(toUInt32(${column}), bucket_s) * bucket_s, 'UTC') AS time`;
}
