/** The ring behind KCP's snd_queue, snd_buf and rcv_queue: FIFO order through wrap-around and growth. */
import { describe, expect, it } from 'vitest';
import { RingQueue } from '../src/core/ring-queue.js';

describe('RingQueue', () => {
  it('keeps FIFO order while the head wraps and the ring grows', () => {
    const q = new RingQueue<number>(4);
    const model: number[] = [];
    let next = 0;
    // Uneven pushes and shifts walk the head around the ring many times and force growth twice.
    for (let round = 0; round < 200; round++) {
      const pushes = (round * 7) % 11;
      const shifts = (round * 5) % 9;
      for (let i = 0; i < pushes; i++) {
        q.push(next);
        model.push(next++);
      }
      for (let i = 0; i < shifts && model.length > 0; i++) expect(q.shift()).toBe(model.shift());
      expect(q.length).toBe(model.length);
      for (let i = 0; i < model.length; i++) expect(q.at(i)).toBe(model[i]);
      if (model.length > 0) expect(q.last()).toBe(model[model.length - 1]);
    }
  });

  it('clear empties it and it fills again in order', () => {
    const q = new RingQueue<string>();
    for (let i = 0; i < 40; i++) q.push(`a${i}`);
    for (let i = 0; i < 13; i++) q.shift();
    q.clear();
    expect(q.length).toBe(0);
    q.push('x');
    q.push('y');
    expect([q.at(0), q.at(1), q.last(), q.length]).toEqual(['x', 'y', 'y', 2]);
    expect(q.shift()).toBe('x');
    expect(q.shift()).toBe('y');
    expect(q.length).toBe(0);
  });
});
