namespace Engine.Model;

/// <summary>A model value is NaN or infinite, so it is not checkpointed (the message names the tensor and element).</summary>
public sealed class NonFiniteParameterException(string message) : InvalidOperationException(message);
