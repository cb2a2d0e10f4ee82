namespace Engine.Train.World;

/// <summary>
/// A world setting is out of range. <see cref="Exception.Message"/> is one line that starts with
/// the setting's name as written in a config file (e.g. <c>sub_size: 2·k = 12 exceeds num_entities = 10</c>).
/// </summary>
public sealed class WorldSettingsException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="setting"/> with a one-line <paramref name="reason"/>.</summary>
    public WorldSettingsException(string setting, string reason)
        : base($"{setting}: {reason}")
    {
        Setting = setting;
        Reason = reason;
    }

    /// <summary>The config-file name of the offending setting (e.g. <c>sub_size</c>).</summary>
    public string Setting { get; }

    /// <summary>The problem, without the setting's name in front.</summary>
    public string Reason { get; }
}
