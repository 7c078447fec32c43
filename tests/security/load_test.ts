/**
 * Load: 200 turns at once on one app (offline planner, embedded data, real sockets on
 * loopback), each in its own conversation and about other calls. No cross-talk: every turn's
 * events name its own turn, conversation and question, and every answer is the one the same
 * question gets alone. Reports the times to the first event and to the end (p50/p95).
 */
import assert from "node:assert/strict";
import { reportFigure } from "./figures.ts";
import { HttpClient, lastEvent, serveApp, type TurnResult } from "./helpers.ts";

const TURNS = 200;
const NAME =
  `security: load: ${TURNS} concurrent turns on one app all complete, each with its own answer (no cross-talk)`;

/** A question and what it asks about. */
interface Question {
  text: string;
  queue: string;
  direction: string | null;
  day: number;
}

/** 200 different questions: a day, a queue and a direction each. */
function questions(): Question[] {
  const out: Question[] = [];
  const queues = ["support", "sales", "billing", "collections"];
  const directions = [null, "incoming", "outgoing"];
  for (let day = 24; out.length < TURNS; day--) {
    for (const queue of queues) {
      for (const direction of directions) {
        if (out.length >= TURNS) continue;
        const text = `How many ${direction ? `${direction} ` : ""}calls in the ${queue} queue ` +
          `on ${day} Nov 2026?`;
        out.push({ text, queue, direction, day });
      }
    }
  }
  return out;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/** The answer as the user sees it: the final text and the tables' rows. */
function answerOf(turn: TurnResult): string {
  const final = lastEvent(turn);
  const tables = turn.events.filter((e) => e.type === "table").map((e) =>
    JSON.stringify((e as { rows?: unknown }).rows)
  );
  return JSON.stringify([final.type, final.answer, tables]);
}

Deno.test({
  name: NAME,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const app = await serveApp({ DEMO_DAYS: "21", DEMO_CALLS_PER_DAY: "120" });
    try {
      const c = await new HttpClient(app.url).login();
      const asked = questions();
      assert.equal(new Set(asked.map((q) => q.text)).size, TURNS);
      const conversations = await Promise.all(asked.map(() => c.conversation()));

      const t0 = performance.now();
      const turns = await Promise.all(asked.map((q, i) => c.ask(conversations[i], q.text)));
      const wallMs = performance.now() - t0;

      for (const [i, turn] of turns.entries()) {
        const started = turn.events[0] as unknown as Record<string, unknown>;
        assert.equal(started.type, "turn_started");
        assert.equal(started.turn_id, turn.turnId);
        assert.equal(started.conversation_id, conversations[i]);
        assert.equal(started.question, asked[i].text);
        assert.deepEqual(turn.events.map((e) => e._id), turn.events.map((_, j) => j + 1));
        const terminal = turn.events.filter((e) => e.type === "final" || e.type === "error");
        assert.equal(terminal.length, 1, `one end for "${asked[i].text}"`);
        const final = lastEvent(turn);
        assert.equal(final.type, "final", `${asked[i].text}: ${JSON.stringify(final)}`);
        assert.equal(final.outcome, "answered");
        const { queue, direction, day } = asked[i];
        const reading = final.interpretation as { filters: Record<string, unknown> };
        assert.deepEqual(reading.filters, direction ? { direction, queue } : { queue });
        assert.match(
          String(final.answer),
          new RegExp(`${queue} queue on 2026-11-${String(day).padStart(2, "0")}\\b`),
        );
      }
      assert.equal(new Set(turns.map((t) => t.turnId)).size, TURNS);

      // The same questions one at a time: the answers must be the same, question by question.
      const alone = await c.conversation();
      const answers = new Set<string>();
      for (const [i, q] of asked.entries()) {
        const single = await c.ask(alone, q.text);
        assert.equal(answerOf(turns[i]), answerOf(single), `the answer to "${q.text}"`);
        answers.add(answerOf(single));
      }
      assert.ok(answers.size > TURNS / 2, `answers differ between questions (${answers.size})`);

      const first = turns.map((t) => t.firstEventMs);
      const total = turns.map((t) => t.totalMs);
      const figure = `${TURNS} turns in ${(wallMs / 1000).toFixed(1)} s; first event p50 ${
        Math.round(percentile(first, 0.5))
      } ms, p95 ${Math.round(percentile(first, 0.95))} ms; whole turn p50 ${
        Math.round(percentile(total, 0.5))
      } ms, p95 ${Math.round(percentile(total, 0.95))} ms`;
      reportFigure(NAME, figure);
      assert.ok(wallMs < 60_000, figure);
    } finally {
      await app.close();
    }
  },
});
