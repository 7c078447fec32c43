/** Example island for the layer's tests: a counter with a label. */
import { useState } from "preact/hooks";

/** Props of {@linkcode Counter}. */
export interface CounterProps {
  label: string;
  start: number;
}

/** A button that counts clicks. */
export default function Counter({ label, start }: CounterProps) {
  const [n, setN] = useState(start);
  return (
    <button type="button" class="counter" onClick={() => setN(n + 1)}>
      {label}: {n}
    </button>
  );
}
