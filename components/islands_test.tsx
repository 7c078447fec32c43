import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import Chat from "../islands/Chat.tsx";
import LoginForm, { safeNext } from "../islands/LoginForm.tsx";

const conversations = [
  { id: "c1", title: "Missed calls <today>", updated_at: "2026-11-24T08:00:00Z" },
  { id: "c2", title: "Agent review", updated_at: "2026-11-23T08:00:00Z" },
];

Deno.test("Chat renders the sidebar list and the example questions for a new conversation", () => {
  const html = render(<Chat username="demo" conversations={conversations} />);
  assert.match(html, /Missed calls &lt;today>/);
  assert.match(html, /Agent review/);
  assert.match(html, /Hi demo, what would you like to know\?/);
  assert.match(html, /How many calls were made today\?/);
  assert.match(html, /<label class="visually-hidden" for="question">Your question<\/label>/);
  assert.doesNotMatch(html, /style=/, "no inline styles (CSP)");
});

Deno.test("Chat opening a conversation shows it loading, not the empty state", () => {
  const html = render(<Chat username="demo" conversations={conversations} conversationId="c2" />);
  assert.doesNotMatch(html, /what would you like to know/);
  assert.match(html, /Loading the conversation/);
  assert.match(html, /<h1 class="topbar-title">Agent review<\/h1>/);
  assert.match(html, /aria-current="page"[^>]*><span class="conv-title">Agent review/);
});

Deno.test("LoginForm renders labelled fields", () => {
  const html = render(<LoginForm />);
  assert.match(html, /<label for="username">Username<\/label>/);
  assert.match(html, /autocomplete="current-password"/);
  assert.doesNotMatch(html, /style=/);
});

Deno.test("safeNext keeps redirects on this site", () => {
  assert.equal(safeNext("/?c=abc"), "/?c=abc");
  assert.equal(safeNext(undefined), "/");
  assert.equal(safeNext("https://evil.example/"), "/");
  assert.equal(safeNext("//evil.example/"), "/");
  assert.equal(safeNext("/\\evil.example"), "/");
  assert.equal(safeNext("javascript:alert(1)"), "/");
});
