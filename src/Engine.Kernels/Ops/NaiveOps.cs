using System.Numerics;


namespace Engine.Kernels.Ops;

/// <summary>
/// Plain, obviously-correct loops for every op of <see cref="Device"/>, accumulating in float64.
/// They define the semantics; the fast CPU paths and every GPU kernel are tested against them.
/// Legend: B batch, T tokens, C channels, NH heads, HS head size, V vocabulary, R rows.
/// </summary>
public static partial class NaiveOps
{
    private static double D<T>(T value) where T : IFloatingPointIeee754<T> => double.CreateTruncating(value);
    private static T F<T>(double value) where T : IFloatingPointIeee754<T> => T.CreateTruncating(value);
}
