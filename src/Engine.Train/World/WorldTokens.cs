using System.Globalization;

namespace Engine.Train.World;

/// <summary>
/// Token strings and ids of a generated world (TASK.md §2): entity i → id i, relation j → N + j, then the
/// functor tokens from N + R: &lt;f&gt; (, &lt;f_inv&gt;), and with m ≥ 2 functors &lt;f_2&gt; (, &lt;f_inv_2&gt;),
/// … &lt;f_m&gt; (, &lt;f_inv_m&gt;), each functor's inverse right after it. No BOS, EOS or PAD. With one functor
/// this is the reference's vocabulary.
/// </summary>
public static class WorldTokens
{
    /// <summary>The functor token string.</summary>
    public const string Functor = "<f>";

    /// <summary>The inverse-functor token string.</summary>
    public const string FunctorInverse = "<f_inv>";

    /// <summary>"&lt;e_i&gt;".</summary>
    public static string Entity(int i) => $"<e_{i}>";

    /// <summary>"&lt;r_j&gt;".</summary>
    public static string Relation(int j) => $"<r_{j}>";

    /// <summary>The token of functor F_j: &lt;f&gt; for j = 1, &lt;f_j&gt; for j ≥ 2.</summary>
    public static string FunctorToken(int j) => j == 1 ? Functor : $"<f_{j.ToString(CultureInfo.InvariantCulture)}>";

    /// <summary>The token of F_j's inverse: &lt;f_inv&gt; for j = 1, &lt;f_inv_j&gt; for j ≥ 2.</summary>
    public static string InverseToken(int j) => j == 1 ? FunctorInverse : $"<f_inv_{j.ToString(CultureInfo.InvariantCulture)}>";

    /// <summary>Recognises a functor token: &lt;f&gt;, &lt;f_inv&gt;, &lt;f_j&gt; or &lt;f_inv_j&gt; with j ≥ 2 written without leading zeros.</summary>
    public static bool TryParseFunctor(string token, out int functor, out bool inverse)
    {
        (functor, inverse) = (0, false);
        if (token == Functor) (functor, inverse) = (1, false);
        else if (token == FunctorInverse) (functor, inverse) = (1, true);
        else if (token.StartsWith("<f_inv_", StringComparison.Ordinal)) (functor, inverse) = (Index(token, "<f_inv_".Length), true);
        else if (token.StartsWith("<f_", StringComparison.Ordinal)) functor = Index(token, "<f_".Length);
        return functor >= 1;
    }

    /// <summary>The j ≥ 2 between <paramref name="start"/> and the closing '&gt;', or 0.</summary>
    private static int Index(string token, int start)
    {
        string digits = token[start..^1];
        return token[^1] == '>' && digits.Length > 0 && digits[0] != '0' && digits.All(char.IsAsciiDigit)
            && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int j) && j >= 2 ? j : 0;
    }

    /// <summary>The vocabulary in id order: e_0 … e_{N−1}, r_0 … r_{R−1}, then each functor's token (and its inverse's).</summary>
    public static string[] Vocabulary(WorldSettings settings)
    {
        int n = settings.Entities, r = settings.Relations;
        var vocab = new string[settings.VocabularySize];
        for (int i = 0; i < n; i++) vocab[i] = Entity(i);
        for (int j = 0; j < r; j++) vocab[n + j] = Relation(j);
        int next = n + r;
        for (int j = 1; j <= settings.Functors; j++)
        {
            vocab[next++] = FunctorToken(j);
            if (settings.IncludeFInverse) vocab[next++] = InverseToken(j);
        }
        return vocab;
    }
}
