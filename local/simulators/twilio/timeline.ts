/**
 * A min-heap of clock-timed events (status transitions, handset replies), ordered by due time then
 * insertion order, so equal times replay in the order they were scheduled.
 */

interface Entry<T> {
  readonly at: number;
  readonly seq: number;
  readonly event: T;
}

export class Timeline<T> {
  #heap: Entry<T>[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(at: number, event: T): void {
    this.#seq += 1;
    this.#heap.push({ at, seq: this.#seq, event });
    this.#up(this.#heap.length - 1);
  }

  /** Due time of the earliest event, or null. */
  peekAt(): number | null {
    return this.#heap[0]?.at ?? null;
  }

  /** Removes and returns the earliest event if it is due at or before `now`. */
  popDue(now: number): { at: number; event: T } | null {
    const top = this.#heap[0];
    if (!top || top.at > now) return null;
    const last = this.#heap.pop();
    if (last && this.#heap.length > 0) {
      this.#heap[0] = last;
      this.#down(0);
    }
    return { at: top.at, event: top.event };
  }

  clear(): void {
    this.#heap = [];
  }

  #less(a: number, b: number): boolean {
    const x = this.#heap[a];
    const y = this.#heap[b];
    if (!x || !y) return false;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  #swap(a: number, b: number): void {
    const x = this.#heap[a];
    const y = this.#heap[b];
    if (!x || !y) return;
    this.#heap[a] = y;
    this.#heap[b] = x;
  }

  #up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.#heap.length && this.#less(left, smallest)) smallest = left;
      if (right < this.#heap.length && this.#less(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }
}
