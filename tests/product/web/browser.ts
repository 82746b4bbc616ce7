/**
 * Chromium through playwright-core, and what the demo test reads off a page. The browser is the
 * system's (Debian's `chromium`); playwright's own downloads are not used.
 */
import { accessSync, constants } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** `CHROMIUM_PATH`, else the first Chromium installed where Debian and Ubuntu put it. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : CANDIDATES;
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function launch(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Muted video may autoplay anyway; this also covers play() from a timer (the sync engine's).
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** The part of HTMLVideoElement read here (the tests compile without the DOM library). */
interface VideoLike {
  readonly currentTime: number;
  readonly paused: boolean;
  readonly playbackRate: number;
}

export interface VideoSample {
  readonly time: number;
  readonly paused: boolean;
  readonly rate: number;
  /** Wall clock (ms) of the reading; both contexts share one browser, so one clock. */
  readonly at: number;
}

export function video(page: Page): Promise<VideoSample> {
  return page.getByTestId('video').evaluate((element: VideoLike) => ({
    time: element.currentTime,
    paused: element.paused,
    rate: element.playbackRate,
    at: performance.timeOrigin + performance.now(),
  }));
}

/**
 * How far apart two players are, read as close together as the protocol allows and corrected
 * for the time between the two readings (a playing video moves on while the other is read).
 */
export async function gap(a: Page, b: Page): Promise<number> {
  const [x, y] = await Promise.all([video(a), video(b)]);
  const moved = x.paused ? 0 : ((y.at - x.at) / 1000) * x.rate;
  return Math.abs(x.time + moved - y.time);
}

/**
 * Records what a page says that a failing test should show: uncaught errors (also kept apart,
 * the suite asserts there are none), console errors and warnings, failed requests, HTTP errors.
 */
export function record(page: Page, who: string, log: string[], errors: string[]): void {
  page.on('pageerror', (error) => errors.push(`${who}: ${error.name}: ${error.message}`));
  page.on('console', (message) => {
    const type = message.type();
    if (type === 'error' || type === 'warning') log.push(`${who} ${type}: ${message.text()}`);
  });
  page.on('requestfailed', (request) =>
    log.push(`${who} request failed: ${request.url()} ${request.failure()?.errorText}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400)
      log.push(`${who} HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
  });
}

/** Each page's URL and accessibility tree: what a person would have seen when a test failed. */
export async function describePages(pages: readonly Page[]): Promise<string> {
  const shown = await Promise.all(
    pages.map(async (page, i) => {
      const tree = await page
        .locator('body')
        .ariaSnapshot()
        .catch(() => '(unavailable)');
      return `page ${i + 1} ${page.url()}\n${tree}`;
    }),
  );
  return shown.join('\n\n');
}
