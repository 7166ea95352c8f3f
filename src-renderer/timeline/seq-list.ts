// A growable list of event indices (store-absolute, ascending) in a Float64Array.
export class IndexList {
  data = new Float64Array(64);
  length = 0;

  push(index: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = index;
  }

  /** Drops every entry below `index`. */
  dropBelow(index: number): void {
    let n = 0;
    while (n < this.length && this.data[n]! < index) n++;
    if (n === 0) return;
    this.data.copyWithin(0, n, this.length);
    this.length -= n;
  }
}
