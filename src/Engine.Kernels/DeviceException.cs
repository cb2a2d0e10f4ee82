namespace Engine.Kernels;

/// <summary>
/// A device failed: a driver call returned an error, a kernel did not compile or load, the device was lost. The
/// message names the device and the cause. Every backend's failures are (or derive from) this type, so callers
/// above the seam name no backend's exception types. Shape errors in op arguments are
/// <see cref="ArgumentException"/>s instead (a bug in the caller), and running out of memory is
/// <see cref="OutOfMemoryException"/>.
/// </summary>
public class DeviceException : Exception
{
    public DeviceException(string message) : base(message)
    {
    }

    public DeviceException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>
/// The device a spec names cannot be opened on this machine: its backend is not installed (no driver, no library),
/// no device has that index, or the device lacks what the engine's kernels need. For a command line this is bad
/// input: the message says why, in one line where it can.
/// </summary>
public class DeviceUnavailableException : DeviceException
{
    public DeviceUnavailableException(string message) : base(message)
    {
    }

    public DeviceUnavailableException(string message, Exception inner) : base(message, inner)
    {
    }
}
