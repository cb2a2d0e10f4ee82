using System.Text.Json;

namespace Engine.Train.Llm;

/// <summary>
/// Typed reads of a Hugging Face <c>config.json</c> object with the library's defaults for absent (or null) fields;
/// a field of the wrong kind or out of range is an <see cref="LlmInputException"/> naming the file and the field.
/// </summary>
internal sealed class HfConfigJson(string path, JsonElement root)
{
    public string Path { get; } = path;

    public bool HasKey(string field) => root.TryGetProperty(field, out _);

    public bool IsSet(string field) => root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

    public JsonElement? Element(string field) =>
        root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public string? String(string field)
    {
        if (Element(field) is not { } value) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Bad(field, "is not a string");
    }

    /// <summary>A positive integer field, <paramref name="fallback"/> when absent (null fallback: required).</summary>
    public int PositiveInt(string field, int? fallback)
    {
        if (Element(field) is not { } value) return fallback ?? throw Bad(field, "is missing");
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n)) throw Bad(field, $"is {value.GetRawText()}, not an integer");
        return n > 0 ? n : throw Bad(field, $"is {n}; it must be positive");
    }

    public int? OptionalInt(string field)
    {
        if (Element(field) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n)) throw Bad(field, $"is {value.GetRawText()}, not an integer");
        return n;
    }

    /// <summary>A positive finite number, <paramref name="fallback"/> when absent.</summary>
    public double PositiveNumber(string field, double fallback) => PositiveNumber(root, field, field, fallback);

    /// <summary>A positive finite number or null (absent or JSON null), e.g. a soft-cap that is switched off.</summary>
    public double? OptionalPositiveNumber(string field, double? fallback)
    {
        if (!root.TryGetProperty(field, out var value)) return fallback;
        if (value.ValueKind == JsonValueKind.Null) return null;
        return PositiveNumber(root, field, field, 1);
    }

    public double PositiveNumber(JsonElement obj, string field, string shownAs, double? fallback)
    {
        if (!obj.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            return fallback ?? throw Bad(shownAs, "is missing");
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var x)) throw Bad(shownAs, $"is {value.GetRawText()}, not a number");
        return x > 0 && double.IsFinite(x) ? x : throw Bad(shownAs, $"is {value.GetRawText()}; it must be a positive number");
    }

    public bool Bool(string field, bool fallback)
    {
        if (Element(field) is not { } value) return fallback;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad(field, $"is {value.GetRawText()}, not true or false"),
        };
    }

    public LlmInputException Bad(string field, string problem) => new($"{Path}: '{field}' {problem}");
}
