/** The PostgreSQL server's version and the settings that weigh on the figures, for the results. */
import pg from 'pg';

const SETTINGS = ['server_version', 'shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_connections'];

export async function postgresInfo(connectionString: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
      'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1) ORDER BY name',
      [SETTINGS],
    );
    const out: Record<string, string> = {};
    for (const r of rows) out[r.name] = r.name === 'shared_buffers' && r.unit === '8kB' ? `${Math.round((Number(r.setting) * 8) / 1024)}MB` : r.setting;
    return out;
  } finally {
    await client.end();
  }
}

/** A connection string without its password, for the results. */
export const withoutPassword = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1@');
