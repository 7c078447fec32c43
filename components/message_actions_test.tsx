import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import { MessageActions } from "./message_actions.tsx";

const noop = () => {};
const rate = () => Promise.resolve(true);

Deno.test("MessageActions: Copy, Retry and the thumbs; read only keeps Copy alone", () => {
  const all = render(
    <MessageActions answer="**5** calls" feedback={null} onRetry={noop} onFeedback={rate} />,
  );
  assert.match(all, /aria-label="Copy the answer"/);
  assert.match(all, /aria-label="Retry"/);
  assert.match(all, /aria-label="Good answer"/);
  assert.match(all, /aria-label="Bad answer"/);
  const readOnly = render(
    <MessageActions
      answer="**5** calls"
      feedback={{ rating: "up", comment: "" }}
      onRetry={noop}
      onFeedback={rate}
      readOnly
    />,
  );
  assert.match(readOnly, /aria-label="Copy the answer"/);
  assert.doesNotMatch(readOnly, /aria-label="Retry"/);
  assert.doesNotMatch(readOnly, /thumb-button|Good answer|Bad answer/);
});
