using ILGPU;

namespace Engine.Kernels.Gpu;

/// <summary>
/// Group-wide reductions through shared memory in a fixed tree order, so a result never depends on timing and every
/// backend adds in the same order (no atomics, no warp shuffles: those exist on Intel OpenCL only). The group is 1-D and
/// its size a power of two; the scratch view holds at least one element per thread; every thread of the group calls.
/// </summary>
internal static class GroupReduce
{
    /// <summary>Σ of <paramref name="value"/> over the group, returned to every thread.</summary>
    public static float Sum(ArrayView<float> scratch, float value)
    {
        var tid = Group.IdxX;
        scratch[tid] = value;
        Group.Barrier();
        for (var stride = Group.DimX / 2; stride > 0; stride >>= 1)
        {
            if (tid < stride) scratch[tid] += scratch[tid + stride];
            Group.Barrier();
        }
        var total = scratch[0];
        Group.Barrier(); // the scratch may be reused right after
        return total;
    }

    /// <summary>max of <paramref name="value"/> over the group, returned to every thread.</summary>
    public static float Max(ArrayView<float> scratch, float value)
    {
        var tid = Group.IdxX;
        scratch[tid] = value;
        Group.Barrier();
        for (var stride = Group.DimX / 2; stride > 0; stride >>= 1)
        {
            if (tid < stride) scratch[tid] = MathF.Max(scratch[tid], scratch[tid + stride]);
            Group.Barrier();
        }
        var total = scratch[0];
        Group.Barrier();
        return total;
    }
}
