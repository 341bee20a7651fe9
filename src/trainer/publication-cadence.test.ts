import { describe, expect, it } from 'vitest';
import { PublicationCadence } from './publication-cadence';

describe('PublicationCadence', () => {
  it('publishes at once when no version is live, then when the signal budget is spent', () => {
    const cadence = new PublicationCadence({ stepsAfterSignal: 3, freshnessSeconds: 10, everySteps: 100, everySeconds: 1000 });
    cadence.initialPending = true;
    expect(cadence.due(0)).toBe(true);
    cadence.published(0);
    expect(cadence.due(1)).toBe(false);
    cadence.signalled(1_000);
    expect(cadence.trainingBudget).toBe(3);
    cadence.stepped();
    cadence.stepped();
    expect(cadence.due(2_000)).toBe(false);
    cadence.stepped();
    expect(cadence.due(2_000)).toBe(true);
    expect(cadence.publishing()).toBe(1_000);
    cadence.published(2_000);
    expect(cadence.due(2_001)).toBe(false);
  });

  it('publishes signal that waited past the freshness bound even while steps remain, and on the step cadence', () => {
    const cadence = new PublicationCadence({ stepsAfterSignal: 1000, freshnessSeconds: 5, everySteps: 4, everySeconds: 1000 });
    cadence.signalled(0);
    cadence.stepped();
    expect(cadence.due(4_999)).toBe(false);
    expect(cadence.due(5_000)).toBe(true);
    cadence.publishing();
    cadence.published(5_000);
    for (let i = 0; i < 4; i++) cadence.stepped();
    expect(cadence.due(5_001)).toBe(true);
    cadence.exhausted();
    expect(cadence.trainingBudget).toBe(0);
  });

  it('re-embeds the catalog for no fewer than minSteps steps, unless asked to or when a smaller grant is spent', () => {
    const cadence = new PublicationCadence({ stepsAfterSignal: 60, freshnessSeconds: 5, everySteps: 500, everySeconds: 10, minSteps: 50 });
    cadence.signalled(0);
    cadence.stepped();
    // Freshness and time cadence are long past, yet one step is not worth a re-embedding.
    expect(cadence.due(60_000)).toBe(false);
    for (let i = 1; i < 50; i++) cadence.stepped();
    expect(cadence.due(60_000)).toBe(true);
    cadence.publishing();
    cadence.published(60_000);
    cadence.requestPublication(); // e.g. the best weights of a plateau
    expect(cadence.due(60_001)).toBe(true);
    cadence.published(60_001);
    expect(cadence.due(60_002)).toBe(false);
    // A grant of 3 steps is published when spent: the operator asked for that few.
    const small = new PublicationCadence({ stepsAfterSignal: 3, freshnessSeconds: 5, everySteps: 500, everySeconds: 1000, minSteps: 50 });
    small.signalled(0);
    for (let i = 0; i < 3; i++) small.stepped();
    expect(small.trainingBudget).toBe(0);
    expect(small.due(1)).toBe(true);
  });

  it('starts publishing early enough for the version to be live by the freshness bound, as long as the last publication that went live took', () => {
    const cadence = new PublicationCadence({ stepsAfterSignal: 1000, freshnessSeconds: 10, everySteps: 500, everySeconds: 1000, minSteps: 2 });
    expect(cadence.publicationLeadMs).toBe(0);
    cadence.signalled(0);
    cadence.stepped();
    cadence.stepped();
    expect(cadence.due(9_999)).toBe(false);
    expect(cadence.due(10_000)).toBe(true);
    // That publication took 4 s from its start to its alias swap.
    expect(cadence.publishing(10_000)).toBe(0);
    cadence.published(14_000);
    expect(cadence.publicationLeadMs).toBe(4_000);
    cadence.signalled(20_000);
    cadence.stepped();
    cadence.stepped();
    expect(cadence.due(25_999)).toBe(false);
    expect(cadence.due(26_000)).toBe(true);
    // A rejected candidate re-embedded nothing: its short time does not shorten the lead.
    cadence.publishing(26_000);
    cadence.published(26_500, false);
    expect(cadence.publicationLeadMs).toBe(4_000);
    // Still no publication for fewer than minSteps steps, however long the last one took.
    cadence.publishing(30_000);
    cadence.published(60_000);
    expect(cadence.publicationLeadMs).toBe(10_000);
    cadence.signalled(70_000);
    cadence.stepped();
    expect(cadence.due(70_000)).toBe(false);
    cadence.stepped();
    expect(cadence.due(70_000)).toBe(true);
  });
});
