/** The small logging surface every service receives; the CLI prints, tests stay quiet. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  child(scope: string): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function createLogger(
  options: { level?: LogLevel; scope?: string; write?: (line: string) => void } = {},
): Logger {
  const level = options.level ?? 'info';
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const prefix = options.scope ? `[${options.scope}] ` : '';
  const at = (lvl: Exclude<LogLevel, 'silent'>) => (message: string) => {
    if (ORDER[lvl] >= ORDER[level]) write(`${prefix}${lvl === 'info' ? '' : `${lvl}: `}${message}`);
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (scope) =>
      createLogger({ level, write, scope: options.scope ? `${options.scope}:${scope}` : scope }),
  };
}

export const silentLogger: Logger = createLogger({ level: 'silent' });
