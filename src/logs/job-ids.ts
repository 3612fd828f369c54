/**
 * The job IDs of a read, each with its entry, compared without regard to case. Log Analytics job IDs are GUIDs:
 * such an ID is held as its 128 bits (in typed arrays, in an open-addressing table) and spelt again only when a job
 * is built, so a read of a million jobs makes no string and no map entry per job ID. Any other ID is held as text.
 */
import { ownText as own } from "./normalise-intern.js";

/** Entries per step of growth. */
const FIRST = 1024;

/** How a GUID's hexadecimal letters are written; an ID written any other way is held as text. */
const TEXT = 0;
const LOWER = 1;
const UPPER = 2;

/** The value of a hexadecimal digit's character code, +16 for an upper-case letter, +32 for a lower-case one; -1 else. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87 + 32;
  if (c >= 65 && c <= 70) return c - 55 + 16;
  return -1;
}

/** The character positions of a GUID's 32 digits, eight to a word. */
const DIGITS: readonly number[] = [
  0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32,
  33, 34, 35,
];

export class JobIds {
  /** Per entry: the 4 words of its GUID. */
  private words = new Uint32Array(FIRST * 4);
  /** Per entry: how its GUID is written (TEXT: the ID is in `texts`). */
  private forms = new Uint8Array(FIRST);
  /** The IDs of entries held as text, as the winning row wrote them. */
  private readonly texts = new Map<number, string>();
  /** Open addressing, two numbers a slot: entry + 1 of a GUID (0 for an empty slot), and the GUID's hash. */
  private slots = new Int32Array(FIRST * 4);
  /** The hash of the ID read last. */
  private hash = 0;
  private guids = 0;
  /** Entries of the IDs that are not GUIDs, by ID in lower case. */
  private readonly others = new Map<string, number>();
  /** The words and form of the last ID read. */
  private readonly scratch = new Uint32Array(4);
  private form = TEXT;

  /** Reads `id` into `scratch`; false when it is not a GUID. */
  private read(id: string): boolean {
    if (
      id.length !== 36 ||
      id.charCodeAt(8) !== 45 ||
      id.charCodeAt(13) !== 45 ||
      id.charCodeAt(18) !== 45 ||
      id.charCodeAt(23) !== 45
    ) {
      return false;
    }
    let cases = 0;
    for (let w = 0; w < 4; w++) {
      let word = 0;
      for (let k = w * 8; k < w * 8 + 8; k++) {
        const d = hexDigit(id.charCodeAt(DIGITS[k] ?? 0));
        if (d < 0) return false;
        cases |= d & 48;
        word = (word << 4) | (d & 15);
      }
      this.scratch[w] = word >>> 0;
    }
    this.form = cases === 48 ? TEXT : cases === 16 ? UPPER : LOWER;
    return true;
  }

  /** The slot of the ID read last: the slot that holds it, or the empty slot where it goes (see `slots`). */
  private slotOf(): number {
    const s = this.scratch;
    let h = Math.imul((s[0] ?? 0) ^ Math.imul(s[1] ?? 0, 0x9e3779b1), 0x85ebca6b);
    h ^= Math.imul((s[2] ?? 0) ^ (h >>> 15), 0xc2b2ae35);
    h ^= Math.imul((s[3] ?? 0) ^ (h >>> 13), 0x27d4eb2f);
    h ^= h >>> 16;
    this.hash = h;
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let slot = h & mask;
    for (;;) {
      const entry = (slots[slot * 2] ?? 0) - 1;
      if (entry < 0) return slot;
      // The hash beside the entry spares reading the entry's words (elsewhere in memory) for another ID.
      if (slots[slot * 2 + 1] === h) {
        const w = entry * 4;
        const words = this.words;
        if (words[w] === s[0] && words[w + 1] === s[1] && words[w + 2] === s[2] && words[w + 3] === s[3]) {
          return slot;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Puts the ID read last, whose slot is `slot`, at entry `entry`. */
  private place(slot: number, entry: number): void {
    this.slots[slot * 2] = entry + 1;
    this.slots[slot * 2 + 1] = this.hash;
  }

  /** The entry of `id` (any case), or -1. */
  indexOf(id: string): number {
    if (!this.read(id)) return this.others.get(id.toLowerCase()) ?? -1;
    return (this.slots[this.slotOf() * 2] ?? 0) - 1;
  }

  /**
   * The entry of `id` (any case); an ID not seen before gets entry `next` (written as `id` writes it). An ID seen
   * before keeps how it was written: {@link spell} changes that.
   */
  entryOf(id: string, next: number): number {
    if (!this.read(id)) {
      const key = id.toLowerCase();
      const found = this.others.get(key);
      if (found !== undefined) return found;
      this.others.set(own(key), next);
      this.room(next);
      this.forms[next] = TEXT;
      this.texts.set(next, own(id));
      return next;
    }
    const slot = this.slotOf();
    const found = (this.slots[slot * 2] ?? 0) - 1;
    if (found >= 0) return found;
    this.room(next);
    this.words.set(this.scratch, next * 4);
    this.setForm(next, id);
    this.place(slot, next);
    if (++this.guids * 4 > this.slots.length) this.grow();
    return next;
  }

  /** The entry's ID is now written as `id` writes it (the same ID, from a later row). */
  spell(entry: number, id: string): void {
    if (this.read(id)) this.setForm(entry, id);
    else if (this.texts.get(entry) !== id) this.texts.set(entry, own(id));
  }

  /** The entry's ID, as the row that set it wrote it. */
  text(entry: number): string {
    const form = this.forms[entry] ?? TEXT;
    if (form === TEXT) return this.texts.get(entry) ?? "";
    const w = entry * 4;
    const hex = (k: number): string => (this.words[w + k] ?? 0).toString(16).padStart(8, "0");
    const a = hex(0);
    const b = hex(1);
    const c = hex(2);
    const guid = `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${hex(3)}`;
    return form === UPPER ? guid.toUpperCase() : guid;
  }

  /** Sets the form read last; a GUID of mixed case is kept as text as well. */
  private setForm(entry: number, id: string): void {
    if (this.form === TEXT) {
      this.forms[entry] = TEXT;
      this.texts.set(entry, own(id));
      return;
    }
    this.forms[entry] = this.form;
    if (this.texts.size > 0) this.texts.delete(entry);
  }

  private room(entry: number): void {
    if (entry < this.forms.length) return;
    const size = Math.max(this.forms.length * 2, entry + 1);
    const forms = new Uint8Array(size);
    forms.set(this.forms);
    this.forms = forms;
    const words = new Uint32Array(size * 4);
    words.set(this.words);
    this.words = words;
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >> 1) - 1;
    for (let k = 0; k < old.length; k += 2) {
      const entry = old[k] ?? 0;
      if (entry === 0) continue;
      // Placed again by the hash kept beside it: the entries' words are not read.
      const hash = old[k + 1] ?? 0;
      let slot = hash & mask;
      while (slots[slot * 2] !== 0) slot = (slot + 1) & mask;
      slots[slot * 2] = entry;
      slots[slot * 2 + 1] = hash;
    }
    this.slots = slots;
  }
}
