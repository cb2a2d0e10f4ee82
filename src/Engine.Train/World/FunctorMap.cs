namespace Engine.Train.World;

/// <summary>
/// One functor F_j: E1 → E_{j+1} of a world (j = 1 is the reference's F: E1 → E2, token &lt;f&gt;; j ≥ 2 uses &lt;f_j&gt;).
/// </summary>
/// <param name="Index">j ≥ 1.</param>
/// <param name="Category">Entity ids of its image category E_{j+1}, in the generator's order.</param>
/// <param name="Map">F_j as a map from entity id to entity id, for every entity of E1.</param>
public sealed record FunctorMap(int Index, IReadOnlyList<int> Category, IReadOnlyDictionary<int, int> Map)
{
    /// <summary>Its token string (see <see cref="WorldTokens.FunctorToken"/>).</summary>
    public string Token => WorldTokens.FunctorToken(Index);

    /// <summary>The name of its image category: E2 for F_1, E_{j+1} for F_j.</summary>
    public string CategoryName => $"E{Index + 1}";
}
