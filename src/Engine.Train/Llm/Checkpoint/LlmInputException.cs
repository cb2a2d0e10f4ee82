namespace Engine.Train.Llm;

/// <summary>
/// A Hugging Face model folder the engine cannot use — a missing or malformed file, an unsupported architecture or
/// setting, a tensor of the wrong shape or dtype. The message is one line naming the file and the field or tensor.
/// The CLI reports it as bad input (exit 2), as it does the <see cref="InvalidDataException"/> of a malformed safetensors file.
/// </summary>
public sealed class LlmInputException : Exception
{
    public LlmInputException(string message) : base(message) { }

    public LlmInputException(string message, Exception inner) : base(message, inner) { }
}
