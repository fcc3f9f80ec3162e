// Runs SQL statements through Polars' SQL (nodejs-polars: the Rust engine,
// SQL and S3 reader that Python's polars wraps too), for
// TestPolarsRunsTheDocsQueriesOnTheBucket. Polars reads s3:// paths itself,
// with the endpoint and keys of the AWS environment variables.
//
// stdin: a JSON array of statements. stdout: a JSON array with one
// {"columns": [...], "types": [...], "rows": [[...], ...]} per statement,
// every cell cast to a string by Polars (so a DECIMAL keeps its scale and
// the comparison is exact), null as null. A failing statement exits 1 with
// Polars' error on stderr, prefixed with its index.
const fs = require('fs');
const pl = require('nodejs-polars');

(async () => {
  const statements = JSON.parse(fs.readFileSync(0, 'utf8'));
  const results = [];
  for (const [i, sql] of statements.entries()) {
    let df;
    try {
      df = await pl.SQLContext().execute(sql).collect();
    } catch (e) {
      throw new Error(`statement ${i + 1}: ${e && e.message ? e.message : e}`);
    }
    const text = df.select(...df.columns.map((c) => pl.col(c).cast(pl.Utf8)));
    results.push({ columns: df.columns, types: df.dtypes.map(String), rows: text.rows() });
  }
  process.stdout.write(JSON.stringify(results) + '\n');
})().catch((e) => {
  process.stderr.write(`${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
