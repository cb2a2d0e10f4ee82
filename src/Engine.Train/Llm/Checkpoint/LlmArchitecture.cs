namespace Engine.Train.Llm;

/// <summary>The Hugging Face decoder architectures the engine loads: <c>LlamaForCausalLM</c> and <c>Gemma2ForCausalLM</c>.</summary>
public enum LlmArchitecture
{
    /// <summary>Llama (1, 2, 3, 3.1): RMSNorm·w, SwiGLU, grouped-query attention, RoPE with optional llama3 scaling.</summary>
    Llama,

    /// <summary>Gemma-2: embedding·√d, RMSNorm·(1 + w), GeGLU (tanh), pre- and post-norms, soft-capping, alternating sliding-window layers.</summary>
    Gemma2,
}
