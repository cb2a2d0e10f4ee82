using System.Diagnostics;

namespace Engine.Cli.Tests;

/// <summary>Runs the built <c>engine</c> executable as a separate process, as a user would.</summary>
internal static class EngineProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>engine.dll sits beside the test assembly (the test project references Engine.Cli).</summary>
    public static string EngineDll => Path.Combine(AppContext.BaseDirectory, "engine.dll");

    public static Result Run(params string[] args) => RunWithTimeout(TimeSpan.FromMinutes(3), args);

    public static Result RunWithTimeout(TimeSpan timeout, params string[] args)
    {
        using var running = Start(args);
        return running.Wait(timeout);
    }

    /// <summary>Starts engine without waiting: for several at once, or one to kill.</summary>
    public static Running Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(EngineDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        return new Running(process, string.Join(' ', args));
    }

    /// <summary>A started engine, its output read as it comes.</summary>
    public sealed class Running(Process process, string command) : IDisposable
    {
        private readonly Task<string> _output = process.StandardOutput.ReadToEndAsync();
        private readonly Task<string> _error = process.StandardError.ReadToEndAsync();

        public Process Process => process;

        /// <summary>Waits for the exit (killing the process tree on timeout, then throwing).</summary>
        public Result Wait(TimeSpan timeout)
        {
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"engine {command} did not finish within {timeout}");
            }
            return new Result(process.ExitCode, _output.Result, _error.Result);
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }
}
