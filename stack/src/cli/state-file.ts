import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** What a running `watchroom start` records so `status` and `stop` work from another shell. */
const stateSchema = z.object({
  pid: z.number().int(),
  postgresPid: z.number().int().optional(),
  dataDir: z.string().optional(),
  apiUrl: z.string(),
  dbUrl: z.string(),
  anonKey: z.string(),
  serviceRoleKey: z.string(),
  publishableKey: z.string(),
  secretKey: z.string(),
  jwtSecret: z.string(),
  startedAt: z.string(),
});

export type StackState = z.infer<typeof stateSchema>;

export const statePath = (projectDir: string) => join(projectDir, '.watchroom', 'stack.json');

export async function writeState(projectDir: string, state: StackState): Promise<void> {
  const path = statePath(projectDir);
  await mkdir(dirname(path), { recursive: true });
  // It holds the service_role key: readable by the owner only.
  await writeFile(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

export async function readState(projectDir: string): Promise<StackState | undefined> {
  let text: string;
  try {
    text = await readFile(statePath(projectDir), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = stateSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

export async function removeState(projectDir: string): Promise<void> {
  await rm(statePath(projectDir), { force: true });
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
