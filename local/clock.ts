import type { Clock } from '../shared/ports.js';

/** Real time plus an offset that `/_local/clock/advance` moves forward. */
export class ControllableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(minutes: number): Date {
    this.offsetMs += minutes * 60_000;
    return this.now();
  }

  /** Moves the clock forward to `at` (never back). */
  moveTo(at: Date): void {
    this.offsetMs = Math.max(this.offsetMs, at.getTime() - Date.now());
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
