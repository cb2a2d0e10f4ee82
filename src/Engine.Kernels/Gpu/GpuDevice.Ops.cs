using System.Runtime.CompilerServices;
using Engine.Kernels.Ops;

namespace Engine.Kernels.Gpu;

/// <summary>
/// The op table of <see cref="GpuDevice"/>: each hook hands its (already checked) float32 arguments to the op family's
/// launcher, which picks the kernel (naive or fast) and the launch shape. Families keep their loaded kernels per
/// device, created on first use.
/// </summary>
public sealed partial class GpuDevice
{
    private readonly DeviceBuffer<float>?[] _scratch = new DeviceBuffer<float>?[Enum.GetValues<ScratchSlot>().Length];
    private ElementwiseGpu? _elementwise;
    private GemmGpu? _gemm;
    private BiasGpu? _bias;
    private LayerNormGpu? _layerNorm;
    private GeluGpu? _gelu;
    private RopeGpu? _rope;
    private AttentionGpu? _attention;
    private RowsGpu? _rows;
    private CrossEntropyGpu? _crossEntropy;
    private AdamGpu? _adam;
    private RmsNormGpu? _rmsNorm;
    private GatedActivationGpu? _gated;
    private SoftCapGpu? _softCap;
    private RotaryGpu? _rotary;
    private GroupedAttentionGpu? _groupedAttention;

    private PeakGpu.Loaded? _peaks;

    internal ElementwiseGpu Elementwise => _elementwise ??= new ElementwiseGpu(this);

    internal PeakGpu.Loaded Peaks => _peaks ??= new PeakGpu.Loaded(this);

    private static ref readonly TTo As<TFrom, TTo>(in TFrom args) => ref Unsafe.As<TFrom, TTo>(ref Unsafe.AsRef(in args));

    // Supports<T> admits float (and int, for memory ops) only, so every math hook below runs with T = float.

    protected override void Run<T>(in AxpyArgs<T> a) => Elementwise.Axpy(As<AxpyArgs<T>, AxpyArgs<float>>(a));

    protected override void Run<T>(in ScaleArgs<T> a) => Elementwise.Scale(As<ScaleArgs<T>, ScaleArgs<float>>(a));

    protected override void Run<T>(in AddArgs<T> a) => Elementwise.Add(As<AddArgs<T>, AddArgs<float>>(a));

    protected override void Run<T>(in ReduceArgs<T> a) => Elementwise.Reduce(As<ReduceArgs<T>, ReduceArgs<float>>(a));

    protected override void Run<T>(in GemmArgs<T> a) => (_gemm ??= new GemmGpu(this)).Run(As<GemmArgs<T>, GemmArgs<float>>(a));

    protected override void Run<T>(in BiasAddArgs<T> a) => (_bias ??= new BiasGpu(this)).Add(As<BiasAddArgs<T>, BiasAddArgs<float>>(a));

    protected override void Run<T>(in BiasBackwardArgs<T> a) => (_bias ??= new BiasGpu(this)).Backward(As<BiasBackwardArgs<T>, BiasBackwardArgs<float>>(a));

    protected override void Run<T>(in LayerNormForwardArgs<T> a)
        => (_layerNorm ??= new LayerNormGpu(this)).Forward(As<LayerNormForwardArgs<T>, LayerNormForwardArgs<float>>(a));

    protected override void Run<T>(in LayerNormBackwardArgs<T> a)
        => (_layerNorm ??= new LayerNormGpu(this)).Backward(As<LayerNormBackwardArgs<T>, LayerNormBackwardArgs<float>>(a));

    protected override void Run<T>(in GeluForwardArgs<T> a) => (_gelu ??= new GeluGpu(this)).Forward(As<GeluForwardArgs<T>, GeluForwardArgs<float>>(a));

    protected override void Run<T>(in GeluBackwardArgs<T> a) => (_gelu ??= new GeluGpu(this)).Backward(As<GeluBackwardArgs<T>, GeluBackwardArgs<float>>(a));

    protected override void Run<T>(in RopeForwardArgs<T> a) => (_rope ??= new RopeGpu(this)).Forward(As<RopeForwardArgs<T>, RopeForwardArgs<float>>(a));

    protected override void Run<T>(in RopeBackwardArgs<T> a) => (_rope ??= new RopeGpu(this)).Backward(As<RopeBackwardArgs<T>, RopeBackwardArgs<float>>(a));

    protected override void Run<T>(in AttentionForwardArgs<T> a)
        => (_attention ??= new AttentionGpu(this)).Forward(As<AttentionForwardArgs<T>, AttentionForwardArgs<float>>(a));

    protected override void Run<T>(in AttentionBackwardArgs<T> a)
        => (_attention ??= new AttentionGpu(this)).Backward(As<AttentionBackwardArgs<T>, AttentionBackwardArgs<float>>(a));

    protected override void Run<T>(in GatherRowsArgs<T> a) => (_rows ??= new RowsGpu(this)).Gather(As<GatherRowsArgs<T>, GatherRowsArgs<float>>(a));

    protected override void Run<T>(in ScatterAddRowsArgs<T> a)
        => (_rows ??= new RowsGpu(this)).ScatterAdd(As<ScatterAddRowsArgs<T>, ScatterAddRowsArgs<float>>(a));

    protected override void Run<T>(in ArgMaxRowsArgs<T> a) => (_rows ??= new RowsGpu(this)).ArgMax(As<ArgMaxRowsArgs<T>, ArgMaxRowsArgs<float>>(a));

    protected override void Run<T>(in CrossEntropyArgs<T> a)
        => (_crossEntropy ??= new CrossEntropyGpu(this)).Run(As<CrossEntropyArgs<T>, CrossEntropyArgs<float>>(a));

    protected override void Run<T>(in AdamArgs<T> a) => (_adam ??= new AdamGpu(this)).Step(As<AdamArgs<T>, AdamArgs<float>>(a));

    protected override void Run<T>(in RmsNormForwardArgs<T> a)
        => (_rmsNorm ??= new RmsNormGpu(this)).Forward(As<RmsNormForwardArgs<T>, RmsNormForwardArgs<float>>(a));

    protected override void Run<T>(in GatedActivationForwardArgs<T> a)
        => (_gated ??= new GatedActivationGpu(this)).Forward(As<GatedActivationForwardArgs<T>, GatedActivationForwardArgs<float>>(a));

    protected override void Run<T>(in SoftCapForwardArgs<T> a)
        => (_softCap ??= new SoftCapGpu(this)).Forward(As<SoftCapForwardArgs<T>, SoftCapForwardArgs<float>>(a));

    protected override void Run<T>(in RotaryForwardArgs<T> a)
        => (_rotary ??= new RotaryGpu(this)).Forward(As<RotaryForwardArgs<T>, RotaryForwardArgs<float>>(a));

    protected override void Run<T>(in GroupedAttentionForwardArgs<T> a)
        => (_groupedAttention ??= new GroupedAttentionGpu(this)).Forward(As<GroupedAttentionForwardArgs<T>, GroupedAttentionForwardArgs<float>>(a));

    // ---------------------------------------------------------------- scratch

    /// <summary>Device scratch of at least <paramref name="length"/> floats for one purpose; contents undefined.</summary>
    internal BufferView<float> Scratch(ScratchSlot slot, int length)
    {
        ref var buffer = ref _scratch[(int)slot];
        if (buffer is null || buffer.Length < length)
        {
            // Ops on the stream may still read the old buffer: let them finish before it goes (scratch only grows, so rarely).
            if (buffer is not null)
            {
                Stream.Synchronize();
                buffer.Dispose();
            }
            buffer = Allocate<float>(Math.Max(length, 1));
        }
        return buffer.Slice(0, length);
    }

    private void DisposeScratch()
    {
        for (var i = 0; i < _scratch.Length; i++)
        {
            _scratch[i]?.Dispose();
            _scratch[i] = null;
        }
    }
}

/// <summary>What a scratch buffer is for: ops that run one after another may share nothing else.</summary>
internal enum ScratchSlot
{
    GemmPartials,
    ReducePartials,
    LayerNormWeightPartials,
    LayerNormBiasPartials,
    AttentionScores,
}
