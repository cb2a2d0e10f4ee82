using System.Runtime.CompilerServices;
using Engine.Kernels.Launch;

namespace Engine.Kernels.Compiler.Tests;

/// <summary>A buffer that claims a native handle, so launchers accept it without a GPU.</summary>
internal sealed class FakeNativeBuffer<T> : DeviceBuffer<T>, INativeBuffer where T : unmanaged
{
    public FakeNativeBuffer(int length, nint handle) : base(null!, length)
    {
        NativeHandle = handle;
    }

    public nint NativeHandle { get; }

    public int ElementSize => Unsafe.SizeOf<T>();

    public int RunnerId => 0;

    public override void Dispose()
    {
    }
}

/// <summary>Records the last launch; allocates nothing per launch (copies into a reused array).</summary>
internal sealed class RecordingRunner : IKernelRunner
{
    private readonly KernelArgument[] _arguments = new KernelArgument[16];

    public KernelSource? Kernel { get; private set; }

    public LaunchDims Dims { get; private set; }

    public int Count { get; private set; }

    public int Launches { get; private set; }

    public ReadOnlySpan<KernelArgument> Arguments => _arguments.AsSpan(0, Count);

    public void Launch(KernelSource kernel, in LaunchDims dims, ReadOnlySpan<KernelArgument> arguments)
    {
        Kernel = kernel;
        Dims = dims;
        Count = arguments.Length;
        arguments.CopyTo(_arguments);
        Launches++;
    }
}
