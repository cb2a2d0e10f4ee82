using System.Text.Json.Serialization;

namespace Engine.Train.World;

/// <summary>
/// The contents of <c>world.json</c>, our addition to the reference layout: the settings (null for
/// an imported world) and the categories with the functor, as token strings, so probes know E1,
/// E2 and F without guessing them from the analogical facts. A world with m ≥ 2 functors adds
/// <c>other_functors</c>, F_2 … F_m with their categories; with one functor the key is absent.
/// </summary>
internal sealed record WorldFile(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("settings")] WorldSettings? Settings,
    [property: JsonPropertyName("e1")] IReadOnlyList<string> E1,
    [property: JsonPropertyName("e2")] IReadOnlyList<string> E2,
    [property: JsonPropertyName("functor")] IReadOnlyDictionary<string, string> Functor,
    [property: JsonPropertyName("other_functors"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<WorldFileFunctor>? OtherFunctors = null)
{
    /// <summary>The only format tag this version writes and reads.</summary>
    public const string CurrentFormat = "engine-analogy-world/1";

    /// <summary>The file name inside a dataset directory.</summary>
    public const string FileName = "world.json";
}

/// <summary>One functor F_j, j ≥ 2, of <c>world.json</c>: its token, its image category E_{j+1} and the map.</summary>
internal sealed record WorldFileFunctor(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("category")] IReadOnlyList<string> Category,
    [property: JsonPropertyName("map")] IReadOnlyDictionary<string, string> Map);
