/** A page without handler and without islands. */
export default function Plain() {
  return <p>plain page</p>;
}
