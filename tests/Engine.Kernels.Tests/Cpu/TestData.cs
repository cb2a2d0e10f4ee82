using NUnit.Framework;
using Engine.Kernels.Cpu;

namespace Engine.Kernels.Tests.Cpu;

/// <summary>
/// Shared helpers of the CPU kernel tests: fresh seeds (printed in every assert message so a failure can be
/// replayed), random inputs, moving data through a device, and the error measure.
/// </summary>
internal static class TestData
{
    /// <summary>
    /// The accuracy asked of every float32 fast path against the float64 naive loop, as a normwise relative
    /// error: max_i |actual_i − expected_i| / max(max_i |expected_i|, 1e-30). Normwise (not per element)
    /// because float32 sums of mixed signs legitimately lose relative accuracy on near-zero outputs.
    /// </summary>
    public const double Tolerance = 1e-5;

    public static int FreshSeed() => Random.Shared.Next();

    public static float[] Uniform(Random random, int count, double low = -1, double high = 1)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = (float)(low + (high - low) * random.NextDouble());
        return values;
    }

    public static int[] Indices(Random random, int count, int limit)
    {
        var values = new int[count];
        for (var i = 0; i < count; i++) values[i] = random.Next(limit);
        return values;
    }

    public static double[] Wide(float[] values) => Array.ConvertAll(values, v => (double)v);

    /// <summary>The normwise relative error described at <see cref="Tolerance"/>.</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected)
    {
        if (actual.Length != expected.Length) throw new ArgumentException($"length {actual.Length} vs {expected.Length}");
        var maxDifference = 0.0;
        var maxExpected = 0.0;
        for (var i = 0; i < actual.Length; i++)
        {
            var difference = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(difference)) return double.PositiveInfinity;
            maxDifference = Math.Max(maxDifference, difference);
            maxExpected = Math.Max(maxExpected, Math.Abs(expected[i]));
        }
        return maxDifference / Math.Max(maxExpected, 1e-30);
    }

    public static DeviceBuffer<T> Upload<T>(Device device, T[] values) where T : unmanaged
    {
        var buffer = device.Allocate<T>(values.Length);
        device.Upload<T>(values, buffer.View);
        return buffer;
    }

    public static T[] Download<T>(Device device, DeviceBuffer<T> buffer) where T : unmanaged
    {
        var values = new T[buffer.Length];
        device.Download(buffer.View, values);
        return values;
    }

    /// <summary>Asserts the normwise relative error of a float32 result against its float64 naive loop.</summary>
    public static void AssertClose(float[] actual, double[] expected, int seed, string what, double tolerance = Tolerance)
    {
        var error = RelativeError(actual, expected);
        Assert.That(error, Is.LessThan(tolerance), $"seed {seed}: {what}: relative error {error:E3}");
    }

    /// <summary>A multi-threaded device (more threads than cores is fine) so the parallel paths run.</summary>
    public static CpuDevice Threaded() => new(3);
}
