namespace Engine.Train.Llm;

/// <summary>Progress of a loading step: <paramref name="Done"/> of <paramref name="Total"/> units (files, tensors or bytes, as <paramref name="Step"/> says).</summary>
public sealed record LlmLoadProgress(string Step, long Done, long Total);
