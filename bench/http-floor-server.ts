/**
 * The cheapest HTTP server that can answer the REST benchmark's primary-key query: `node:http`,
 * one postgres.js prepared statement, JSON out. No parsing, auth, role switch or transaction.
 * It is the floor any HTTP path on this machine pays, so the benchmark can tell how much of the
 * REST cost is HTTP itself and how much is ours.
 *
 * Run as a child process: `node --import tsx bench/http-floor-server.ts <database-url>`; prints
 * `listening <port>` once ready.
 */
import { createServer } from 'node:http';
import postgres from 'postgres';

const databaseUrl = process.argv[2];
if (!databaseUrl) throw new Error('usage: http-floor-server.ts <database-url>');
const sql = postgres(databaseUrl, { max: 16 });

const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', 'http://floor');
  const id = Number(url.searchParams.get('id')?.replace(/^eq\./, ''));
  try {
    const rows = await sql`select * from public.items where id = ${id}`;
    const body = JSON.stringify(rows);
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  } catch (error) {
    response.writeHead(500).end(String(error));
  }
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGINT', () => {
  server.close();
  server.closeAllConnections();
  void sql.end().then(() => process.exit(0));
});
