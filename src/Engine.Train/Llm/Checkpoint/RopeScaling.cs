namespace Engine.Train.Llm;

/// <summary>
/// <c>rope_scaling</c> of a Llama config with <c>rope_type</c> "llama3" (Llama-3.1): each inverse frequency is kept
/// (wavelength below original/<see cref="HighFreqFactor"/>), divided by <see cref="Factor"/> (wavelength above
/// original/<see cref="LowFreqFactor"/>), or blended in between — see <see cref="LlmConfig.RopeInverseFrequencies"/>.
/// </summary>
public sealed record RopeScaling(string Type, double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings);
