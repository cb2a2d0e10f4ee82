using CommandLine;
using CommandLine.Text;
using Engine.Cli.Verbs;
using Engine.Train.Config;
using Engine.Train.Training;
using Engine.Train.World;

namespace Engine.Cli;

/// <summary>
/// The <c>engine</c> command. Exit codes: 0 success; 2 bad input — flags, settings, a config, grid, dataset or
/// checkpoint file — with one line on stderr naming it; 1 a failed run or command — a diverged loss, an I/O or
/// device error, or an unexpected exception (a bug, named by its type) — with one line on stderr. No stack trace
/// unless the environment variable <c>ENGINE_TRACE</c> is set to 1.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var parser = new Parser(settings =>
        {
            settings.HelpWriter = null; // errors are reported as one line below; help goes to stdout
            settings.CaseInsensitiveEnumValues = true;
        });
        var parsed = parser.ParseArguments<TrainOptions, GridOptions, ReportVerbOptions, DataOptions, AnalyzeOptions, LlmOptions, DevicesOptions>(args);
        try
        {
            return parsed.MapResult(
                (TrainOptions o) => TrainVerb.Run(o, Console.Out),
                (GridOptions o) => GridVerb.Run(o, Console.Out),
                (ReportVerbOptions o) => ReportVerb.Run(o, Console.Out),
                (DataOptions o) => DataVerb.Run(o, Console.Out),
                (AnalyzeOptions o) => AnalyzeVerb.Run(o, Console.Out),
                (LlmOptions o) => LlmVerb.Run(o, Console.Out),
                (DevicesOptions o) => DevicesVerb.Run(o, Console.Out),
                errors => ReportParseErrors(parsed, errors.ToList()));
        }
        catch (Exception e) when (IsBadInput(e))
        {
            Console.Error.WriteLine($"engine: {OneLine(e.Message)}");
            WriteTrace(e);
            return 2;
        }
        catch (Exception e)
        {
            ReportFailure(e);
            return 1;
        }
    }

    /// <summary>A failed run or command as one line on stderr (exit code 1 is the caller's to return).</summary>
    public static void ReportFailure(Exception e)
    {
        var hint = RunFailure.IsExpected(e) || TraceRequested ? "" : $" (set {TraceVariable}=1 for the stack trace)";
        Console.Error.WriteLine($"engine: {RunFailure.Describe(e)}{hint}");
        WriteTrace(e);
    }

    private const string TraceVariable = "ENGINE_TRACE";

    private static bool TraceRequested => Environment.GetEnvironmentVariable(TraceVariable) == "1";

    private static void WriteTrace(Exception e)
    {
        if (TraceRequested) Console.Error.WriteLine(e);
    }

    /// <summary>Help and version go to stdout (exit 0); a usage error becomes one line on stderr (exit 2).</summary>
    private static int ReportParseErrors(ParserResult<object> parsed, IReadOnlyList<Error> errors)
    {
        if (errors.Any(e => e.Tag is ErrorType.HelpRequestedError or ErrorType.HelpVerbRequestedError or ErrorType.VersionRequestedError))
        {
            var verbIndex = parsed.TypeInfo.Current == typeof(NullInstance);
            Console.Out.WriteLine(HelpText.AutoBuild(parsed, h => h, e => e, verbsIndex: verbIndex));
            return 0;
        }
        var first = errors.First();
        var verb = parsed.TypeInfo.Current.GetCustomAttributes(typeof(VerbAttribute), false).OfType<VerbAttribute>().FirstOrDefault()?.Name;
        var hint = verb is null ? "engine --help" : $"engine {verb} --help";
        var message = first switch
        {
            UnknownOptionError u => $"unknown option '--{u.Token}'",
            MissingRequiredOptionError m => $"missing required option '--{m.NameInfo.LongName}'",
            BadFormatConversionError b => $"{b.NameInfo.LongName}: the value is not of the expected kind",
            MissingValueOptionError v => $"option '--{v.NameInfo.LongName}' needs a value",
            RepeatedOptionError r => $"option '--{r.NameInfo.LongName}' is given more than once",
            BadVerbSelectedError v => $"unknown verb '{v.Token}' (train, grid, report, data, analyze, llm, devices)",
            NoVerbSelectedError => "no verb given (train, grid, report, data, analyze, llm, devices)",
            TokenError t => $"unexpected argument '{t.Token}'",
            NamedError n => $"bad option '--{n.NameInfo.LongName}'",
            _ => first.Tag.ToString(),
        };
        Console.Error.WriteLine($"engine: {message} (see {hint})");
        return 2;
    }

    /// <summary>
    /// Errors that mean the user's input is wrong rather than the run failing: each is thrown only where flags,
    /// settings or input files (config, grid, dataset, checkpoint to resume from, report folder) are checked, and
    /// its message names the culprit. A plain <see cref="ArgumentException"/> is not among them: outside those
    /// checks it is an internal error.
    /// </summary>
    public static bool IsBadInput(Exception e) => e is UsageException or SettingsException or WorldSettingsException
        or DatasetFormatException or InvalidDataException or Engine.Train.Report.ReportException
        or Engine.Train.Analysis.AnalysisException or Engine.Train.Llm.LlmInputException;

    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
