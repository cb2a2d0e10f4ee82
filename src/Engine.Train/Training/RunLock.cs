namespace Engine.Train.Training;

/// <summary>
/// The exclusive claim of one process on a run folder: <c>train.lock</c> in the folder, opened with
/// <see cref="FileShare.None"/> and kept open until <see cref="Dispose"/>. On Linux and macOS .NET takes
/// <c>flock(LOCK_EX | LOCK_NB)</c> on it (an advisory lock of the open file, not of the path); on Windows the
/// share mode itself excludes every other opener. Either way the operating system drops the lock when the
/// handle closes, so a process that dies, SIGKILL included, never leaves a stale lock behind.
/// The file itself stays in the folder and means nothing on its own: only a held lock counts. It is never
/// deleted, because a process that opened the old file could then lock it while another locks a new one.
/// Limits: a file system without <c>flock</c> support, or <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING=1</c>, makes
/// .NET skip the lock silently on Unix, and then nothing is excluded.
/// </summary>
public sealed class RunLock : IDisposable
{
    /// <summary>The lock file's name inside the run folder.</summary>
    public const string FileName = "train.lock";

    private readonly FileStream _stream;

    private RunLock(string directory, FileStream stream)
    {
        Directory = directory;
        _stream = stream;
    }

    /// <summary>The run folder (full path) this lock claims.</summary>
    public string Directory { get; }

    public static string PathIn(string directory) => Path.Combine(Path.GetFullPath(directory), FileName);

    /// <summary>
    /// Takes the lock of an existing run folder without waiting. Opening the file neither truncates nor writes
    /// it, so a refused caller changes nothing in the folder.
    /// </summary>
    /// <returns>The held lock, or null when another holder (another process, or another open of this process) has it.</returns>
    /// <exception cref="IOException">The lock file cannot be opened for another reason (a missing folder, no permission…).</exception>
    public static RunLock? TryAcquire(string directory)
    {
        var full = Path.GetFullPath(directory);
        try
        {
            var stream = new FileStream(PathIn(full), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new RunLock(full, stream);
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            return null;
        }
    }

    /// <summary>
    /// A sharing violation: EWOULDBLOCK from <c>flock</c> on Unix (errno 11 on Linux, 35 on macOS, which .NET puts in
    /// <see cref="Exception.HResult"/>), ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION on Windows.
    /// </summary>
    private static bool IsHeldElsewhere(IOException e) =>
        e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException)
        && e.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    /// <summary>Releases the lock (closes the file; the file stays).</summary>
    public void Dispose() => _stream.Dispose();
}
