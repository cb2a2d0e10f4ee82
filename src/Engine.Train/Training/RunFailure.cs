using Engine.Kernels;

namespace Engine.Train.Training;

/// <summary>
/// How a failed run is told, the same way by <c>engine train</c> (on stderr), the grid (its event line) and
/// <c>failed.json</c>: one line with the kind of failure and the message. Known failures are a diverged loss,
/// an I/O error, a device error and running out of (device) memory; anything else is unexpected — a bug — and
/// is named by its exception type.
/// </summary>
public static class RunFailure
{
    /// <summary>One line, e.g. "I/O error: Disk full : '/runs/a/metrics.jsonl'" or "unexpected NullReferenceException: …".</summary>
    public static string Describe(Exception error)
    {
        var cause = Cause(error);
        return $"{Kind(cause) ?? $"unexpected {cause.GetType().Name}"}: {OneLine(cause.Message)}";
    }

    /// <summary>True for a failure of a known kind; false for an unexpected exception (a bug).</summary>
    public static bool IsExpected(Exception error) => Kind(Cause(error)) is not null;

    private static string? Kind(Exception error) => error switch
    {
        TrainingDivergedException => "training diverged",
        OutOfMemoryException => "out of memory",
        DeviceException => "device error",
        IOException or UnauthorizedAccessException => "I/O error",
        _ => null,
    };

    /// <summary>The one exception inside an <see cref="AggregateException"/> of one (as parallel loops throw).</summary>
    private static Exception Cause(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error is AggregateException { InnerExceptions.Count: 1 } aggregate ? Cause(aggregate.InnerExceptions[0]) : error;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
