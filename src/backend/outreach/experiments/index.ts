/** Experiments: deterministic variant assignment and A/B statistics. */
export { assignVariant, uniformHash, type AssignVariantInput, type WeightedVariant } from './assignment';
export {
  twoProportionZTest,
  probabilityToBeBest,
  probabilityBBeatsA,
  minimumSampleSize,
  wilsonInterval,
  normalCdf,
  normalQuantile,
  twoSidedPValue,
  type ConversionCounts,
  type SampleSizeInput,
} from './statistics';
export {
  summarizeExperiment,
  EXPERIMENT_METRICS,
  OPENS_WARNING,
  type ExperimentMetric,
  type ExperimentSummary,
  type ExperimentWarning,
  type VariantCounts,
  type VariantSummary,
  type SummarizeExperimentInput,
} from './summary';
