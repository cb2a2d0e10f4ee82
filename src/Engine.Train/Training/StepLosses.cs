using Engine.Kernels;

namespace Engine.Train.Training;

/// <summary>
/// Each step's loss, kept on the device in its own slot and read back once at the end of the epoch, so a step
/// never waits for the device (only reading the losses for logging does).
/// </summary>
internal sealed class StepLosses : IDisposable
{
    private readonly Device _device;
    private readonly DeviceBuffer<float> _slots;   // (steps per epoch)
    private readonly float[] _host;

    public StepLosses(Device device, int stepsPerEpoch)
    {
        _device = device;
        _slots = device.Allocate<float>(Math.Max(stepsPerEpoch, 1));
        _host = new float[stepsPerEpoch];
    }

    /// <summary>Where step <paramref name="index"/> of the epoch leaves its loss (1).</summary>
    public BufferView<float> Slot(int index) => _slots.Slice(index, 1);

    /// <summary>The losses of the epoch's first <paramref name="steps"/> steps, in one download.</summary>
    public ReadOnlySpan<float> Read(int steps)
    {
        var losses = _host.AsSpan(0, steps);
        _device.Download(_slots.Slice(0, steps), losses);
        return losses;
    }

    public void Dispose() => _slots.Dispose();
}
