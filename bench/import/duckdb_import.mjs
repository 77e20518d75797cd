// DuckDB peer: read_csv of the values file into a table of a database file.
import { DuckDBInstance } from '@duckdb/node-api';
const [dbPath, csvPath] = process.argv.slice(2);
const inst = await DuckDBInstance.create(dbPath);
const con = await inst.connect();
await con.run(`CREATE OR REPLACE TABLE observation AS SELECT * FROM read_csv('${csvPath}', header=true)`);
const r = await con.runAndReadAll('SELECT count(*) FROM observation');
console.log(`duckdb rows: ${r.getRows()[0][0]}`);
