/**
 * Voice input in the real app (headless Chromium with a fake microphone playing a WAV made
 * by `espeak-ng`; the model is the OpenAI mock server, which also answers
 * `/v1/audio/transcriptions`). With server transcription configured the composer records
 * with `MediaRecorder` and posts to `/api/transcribe` — it prefers that over the browser's
 * speech recognition (which in Chromium needs Google's servers), so no script has to hide
 * `webkitSpeechRecognition`. The text lands in the box, nothing is asked until Send; Escape
 * cancels a recording. Screenshots: test_output/screenshots/voice_*.png.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { mockServer, textReply } from "../../testing/mock_openai.ts";
import { buildBundle, CHROMIUM_PATH, hasChromium, screenshotPath } from "./browser.ts";
import { type RealApp, startRealApp } from "./real_app.ts";

const SPOKEN = "How many calls were missed yesterday";
const TRANSCRIPT = "How many calls were missed yesterday?";
const PASSWORD = "voice-demo-2026";

function espeakPath(): string | null {
  for (const p of ["/usr/bin/espeak-ng", "/usr/local/bin/espeak-ng"]) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch {
      // not here
    }
  }
  return null;
}

const espeak = espeakPath();
const skip = !hasChromium() || espeak === null;
const NAME = !hasChromium()
  ? "voice input (SKIPPED: /usr/bin/chromium is missing; apt-get install chromium)"
  : espeak === null
  ? "voice input (SKIPPED: espeak-ng is missing; apt-get install espeak-ng)"
  : "voice input: fake microphone → /api/transcribe → the composer, not sent until Send";

Deno.test({
  name: NAME,
  ignore: skip,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "voice_e2e_" });
    const wav = `${dir}/question.wav`;
    const made = await new Deno.Command(espeak!, { args: ["-w", wav, SPOKEN] }).output();
    assert.equal(made.code, 0, new TextDecoder().decode(made.stderr));
    assert.ok((await Deno.stat(wav)).size > 10_000, "espeak-ng wrote a WAV");

    const answer = "Yesterday 14 calls were missed.";
    const mock = mockServer(Array.from({ length: 4 }, () => textReply(answer)), {
      transcriptions: [TRANSCRIPT],
    });
    const buildManifest = await buildBundle();
    const app: RealApp = await startRealApp({
      buildManifest,
      env: {
        DEMO_USER: "demo",
        DEMO_PASSWORD: PASSWORD,
        MODEL_PROVIDER: "openai",
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: mock.baseUrl,
        MODEL_MAX_RETRIES: "0",
      },
    });
    const profile = await Deno.makeTempDir({ prefix: "voice_e2e_profile_" });
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        `--use-file-for-fake-audio-capture=${wav}`,
      ],
      viewport: { width: 1280, height: 860 },
      locale: "en-US",
      timezoneId: "UTC",
    });
    const page = context.pages()[0] ?? await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    const turnPosts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && /\/turns\b/.test(r.url())) turnPosts.push(r.url());
    });
    try {
      await page.goto(`${app.url}/`);
      await page.waitForURL(/\/login/);
      await page.getByLabel("Username").fill("demo");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${app.url}/`);
      const mic = page.getByRole("button", { name: "Dictate a question" });
      const box = page.locator("#question");

      await t.step("Escape cancels a recording: nothing is uploaded", async () => {
        await mic.click();
        const stop = page.getByRole("button", { name: "Stop recording and transcribe" });
        await stop.waitFor();
        assert.equal(await stop.getAttribute("aria-pressed"), "true");
        await page.keyboard.press("Escape");
        await page.locator(".voice-status", { hasText: "Recording cancelled" }).waitFor();
        await mic.waitFor();
        assert.equal(mock.uploads.length, 0);
      });

      await t.step("record, stop: the transcription lands in the box, not sent", async () => {
        await box.fill("Please check:");
        await mic.click();
        const status = page.locator(".voice-status.is-recording");
        await status.waitFor();
        await page.waitForTimeout(2000);
        assert.match(await status.innerText(), /Recording\s+0:0[1-3]\s+\/ 1:00/);
        await page.screenshot({ path: await screenshotPath("voice_recording.png") });
        await page.getByRole("button", { name: "Stop recording and transcribe" }).click();
        await page.waitForFunction(
          (want) => (document.querySelector("#question") as HTMLTextAreaElement).value === want,
          `Please check: ${TRANSCRIPT}`,
          { timeout: 10_000 },
        );
        assert.equal(mock.uploads.length, 1);
        assert.equal(mock.uploads[0].model, "whisper-1");
        assert.match(mock.uploads[0].type, /^audio\/(webm|ogg)$/);
        assert.ok(mock.uploads[0].size > 1000, `a real recording (${mock.uploads[0].size} B)`);
        // Review time: nothing was asked.
        await page.waitForTimeout(500);
        assert.deepEqual(turnPosts, []);
        assert.equal(mock.bodies.length, 0, "no chat completion yet");
        assert.ok(await box.evaluate((el) => el === document.activeElement), "focus in the box");
        await page.screenshot({ path: await screenshotPath("voice_transcribed.png") });
      });

      await t.step("the user edits and sends it", async () => {
        await box.fill(TRANSCRIPT);
        await page.getByRole("button", { name: "Send" }).click();
        await page.locator(".turn", { hasText: answer }).waitFor({ timeout: 15_000 });
        assert.equal(turnPosts.length, 1);
        assert.equal(await box.inputValue(), "");
        const asked = JSON.stringify(mock.bodies[0]);
        assert.ok(asked.includes(TRANSCRIPT), "the model got the transcribed question");
      });
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
      await app.close();
      await mock.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
