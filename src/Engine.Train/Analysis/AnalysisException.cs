namespace Engine.Train.Analysis;

/// <summary>The folder given to <c>engine analyze</c> is not a trained run (bad input); the message is one line naming it.</summary>
public sealed class AnalysisException(string message) : Exception(message);
