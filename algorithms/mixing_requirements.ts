/**
 * What a method needs of the mixing matrix W, stated by its registry definition
 * (`AlgorithmDefinition.requires`) and checked before any run by `simulation/requirements.ts`,
 * which refuses a W that lacks a property and names the property, the method and the fix.
 *
 * @module
 */

/** A method's conditions on W; an absent field requires nothing. */
export interface MixingRequirements {
  /** Every row and every column of W sums to 1 (within 1e-12). */
  readonly doublyStochastic?: boolean;
  /** W_ij = W_ji for every pair (within 1e-12). */
  readonly symmetric?: boolean;
  /** The same W at every step: no time-varying schedule of graphs. */
  readonly static?: boolean;
  /**
   * The smallest eigenvalue λ_min of W (symmetric) exceeds this bound by more than 1e-12, e.g.
   * −1/3 for D². `mixing.lazy` moves every eigenvalue into [0, 1].
   */
  readonly lambdaMinAbove?: number;
}
