using Engine.Kernels;
using Engine.Train.Config;

namespace Engine.Train.Training;

/// <summary>Opens the device a run trains on, from its <c>device</c> setting.</summary>
public static class TrainingDevice
{
    /// <summary>Opens the device named by <paramref name="spec"/> (see <see cref="Device.Open(string)"/>).</summary>
    /// <exception cref="SettingsException">The spec names no known device, a device that does not exist, or a backend
    /// whose library is not installed: the setting is wrong for this machine.</exception>
    public static Device Open(string spec)
    {
        try
        {
            return Device.Open(spec);
        }
        catch (ArgumentException e)
        {
            throw SettingsException.FromArgument("device", e);
        }
        catch (DeviceUnavailableException e)
        {
            throw new SettingsException("device", $"'{spec}' is not available here: {OneLine(e.Message)}");
        }
    }

    private static string OneLine(string text) =>
        string.Join(" ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
