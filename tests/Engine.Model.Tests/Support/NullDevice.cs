using System.Numerics;
using Engine.Kernels;
using Engine.Kernels.Ops;

namespace Engine.Model.Tests;

/// <summary>
/// A device whose ops do nothing: running a training step on it measures the managed allocations of
/// the model, tape, arena and optimiser code alone, whatever a real device's kernels allocate.
/// </summary>
internal sealed class NullDevice : Device
{
    public override string Name => "null";

    public override string Description => "no-op device for allocation tests";

    public override bool Supports<T>() => true;

    public override DeviceBuffer<T> Allocate<T>(int length) => new NullBuffer<T>(this, length);

    public override void Synchronize() { }

    protected override void Write<T>(ReadOnlySpan<T> source, BufferView<T> destination) { }

    protected override void Read<T>(BufferView<T> source, Span<T> destination) { }

    protected override void RunFill<T>(in FillArgs<T> args) { }

    protected override void RunCopy<T>(in CopyArgs<T> args) { }

    protected override void Run<T>(in AxpyArgs<T> args) { }

    protected override void Run<T>(in ScaleArgs<T> args) { }

    protected override void Run<T>(in AddArgs<T> args) { }

    protected override void Run<T>(in ReduceArgs<T> args) { }

    protected override void Run<T>(in GemmArgs<T> args) { }

    protected override void Run<T>(in BiasAddArgs<T> args) { }

    protected override void Run<T>(in BiasBackwardArgs<T> args) { }

    protected override void Run<T>(in LayerNormForwardArgs<T> args) { }

    protected override void Run<T>(in LayerNormBackwardArgs<T> args) { }

    protected override void Run<T>(in GeluForwardArgs<T> args) { }

    protected override void Run<T>(in GeluBackwardArgs<T> args) { }

    protected override void Run<T>(in RopeForwardArgs<T> args) { }

    protected override void Run<T>(in RopeBackwardArgs<T> args) { }

    protected override void Run<T>(in AttentionForwardArgs<T> args) { }

    protected override void Run<T>(in AttentionBackwardArgs<T> args) { }

    protected override void Run<T>(in GatherRowsArgs<T> args) { }

    protected override void Run<T>(in ScatterAddRowsArgs<T> args) { }

    protected override void Run<T>(in ArgMaxRowsArgs<T> args) { }

    protected override void Run<T>(in CrossEntropyArgs<T> args) { }

    protected override void Run<T>(in AdamArgs<T> args) { }

    protected override void Run<T>(in RmsNormForwardArgs<T> args) { }

    protected override void Run<T>(in GatedActivationForwardArgs<T> args) { }

    protected override void Run<T>(in SoftCapForwardArgs<T> args) { }

    protected override void Run<T>(in RotaryForwardArgs<T> args) { }

    protected override void Run<T>(in GroupedAttentionForwardArgs<T> args) { }

    private sealed class NullBuffer<T>(Device device, int length) : DeviceBuffer<T>(device, length) where T : unmanaged
    {
        public override void Dispose() { }
    }
}
