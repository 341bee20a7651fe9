import { FeedbackMemory, type Constraint, type FeedbackMemoryOptions } from './feedback-memory';
import { HeldOutFeedback } from './held-out-feedback';
import type { Holdout } from './holdout';

/**
 * The replay memory with a holdout in front: feedback the holdout claims goes to `heldOut`
 * (scored, never trained on), the rest to the replay memory as before. The record applier and
 * the batch builder need not know: what they are given never contains held-out feedback.
 *
 * @example
 * const memory = new HoldoutMemory({ capacity: 20000, classesPerBatch: 8, itemsPerClass: 4 }, createHoldout({ fraction: 0.1 }));
 * memory.rememberLabel('item-1', 'shoe', Date.now()); // trained on, or held out by its id's hash
 * memory.heldOut.snapshot(catalog);
 */
export class HoldoutMemory extends FeedbackMemory {
  readonly heldOut: HeldOutFeedback;

  constructor(
    options: FeedbackMemoryOptions,
    readonly holdout: Holdout,
  ) {
    super(options);
    this.heldOut = new HeldOutFeedback(options.capacity);
  }

  override rememberLabel(id: string, label: string, at: number): void {
    if (this.holdout.holdsItem(id)) this.heldOut.rememberLabel(id, label);
    else super.rememberLabel(id, label, at);
  }

  override hasLabelled(id: string): boolean {
    return this.holdout.holdsItem(id) ? this.heldOut.hasLabelled(id) : super.hasLabelled(id);
  }

  override rememberConstraint(constraint: Constraint): void {
    if (this.holdout.holdsConstraint(constraint)) this.heldOut.rememberConstraint(constraint);
    else super.rememberConstraint(constraint);
  }

  override forgetLabel(id: string): void {
    this.heldOut.forgetLabel(id);
    super.forgetLabel(id);
  }

  override forgetItem(id: string): void {
    this.heldOut.forgetItem(id);
    super.forgetItem(id);
  }
}
