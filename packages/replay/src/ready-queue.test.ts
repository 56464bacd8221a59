import { describe, expect, it } from 'vitest';
import { ReadyQueue } from './ready-queue';

describe('ReadyQueue', () => {
  it('hands batches out first in first out, counting the takes that had to wait', async () => {
    const queue = new ReadyQueue<number>();
    queue.put(1);
    queue.put(2);
    expect(queue.readyCount).toBe(2);
    const waited = [queue.take(), queue.take(), queue.take()];
    expect(queue.waitingCount).toBe(1);
    queue.put(3);
    expect(await Promise.all(waited)).toEqual([1, 2, 3]);
    expect(queue.stats).toMatchObject({ batches: 3, waits: 1 });
  });

  it('fail rejects the waiting consumers and drops ready batches', async () => {
    const queue = new ReadyQueue<number>();
    const pending = queue.take();
    queue.fail(new Error('closed'));
    await expect(pending).rejects.toThrow('closed');
    queue.put(4);
    queue.fail(new Error('again'));
    expect(queue.readyCount).toBe(0);
  });
});
