// The one way tests, benches and scripts start a browser: Debian's chromium through playwright-core
// (never a downloaded one), headless, with the flags these machines need (docs: /work/shared
// PLATFORM.md): no sandbox as root, WebGL2 on SwiftShader, no network chatter, audio without a
// click, and no throttling of a page that is not in front (outputs run side by side).

import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
  '--autoplay-policy=no-user-gesture-required', '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
];

/** CHROMIUM_PATH overrides where the browser is (default /usr/bin/chromium). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS] });
}
