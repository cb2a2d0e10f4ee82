using Engine.Train.Config;
using Engine.Train.Report;
using Engine.Train.Training;
using Engine.Train.World;
using NUnit.Framework;

namespace Engine.Cli.Tests;

/// <summary>Which exceptions are bad input (exit 2) and which a failed run (exit 1).</summary>
[TestFixture]
[Category("Cli")]
public class ExitCodeTests
{
    private static IEnumerable<TestCaseData> BadInput()
    {
        yield return new TestCaseData(new UsageException("data: unknown action 'x'")).SetArgDisplayNames("UsageException");
        yield return new TestCaseData(new SettingsException("lr", "must be positive")).SetArgDisplayNames("SettingsException");
        yield return new TestCaseData(new WorldSettingsException("sub_size", "k = 2")).SetArgDisplayNames("WorldSettingsException");
        // An IOException subclass, but about an input file: bad input all the same.
        yield return new TestCaseData(new DatasetFormatException("/d/train.json", "invalid JSON")).SetArgDisplayNames("DatasetFormatException");
        yield return new TestCaseData(new InvalidDataException("/r/checkpoint.safetensors: truncated")).SetArgDisplayNames("InvalidDataException");
        yield return new TestCaseData(new ReportException("report: no folder 'x'")).SetArgDisplayNames("ReportException");
        yield return new TestCaseData(new Engine.Train.Llm.LlmInputException("/m/config.json: 'model_type' is 'mistral'")).SetArgDisplayNames("LlmInputException");
    }

    private static IEnumerable<TestCaseData> Failures()
    {
        // Plain argument errors come from internal checks (shapes, buffer sizes): bugs, not user input.
        yield return new TestCaseData(new ArgumentException("upload of 3 elements into a view of 2")).SetArgDisplayNames("ArgumentException");
        yield return new TestCaseData(new ArgumentOutOfRangeException("count")).SetArgDisplayNames("ArgumentOutOfRangeException");
        yield return new TestCaseData(new IOException("disk full")).SetArgDisplayNames("IOException");
        yield return new TestCaseData(new FileNotFoundException("gone")).SetArgDisplayNames("FileNotFoundException");
        yield return new TestCaseData(new UnauthorizedAccessException("denied")).SetArgDisplayNames("UnauthorizedAccessException");
        yield return new TestCaseData(new TrainingDivergedException("the loss became NaN")).SetArgDisplayNames("TrainingDivergedException");
        yield return new TestCaseData(new NullReferenceException()).SetArgDisplayNames("NullReferenceException");
    }

    [TestCaseSource(nameof(BadInput))]
    public void BadInputExceptions(Exception e) => Assert.That(Program.IsBadInput(e), Is.True);

    [TestCaseSource(nameof(Failures))]
    public void RunFailureExceptions(Exception e) => Assert.That(Program.IsBadInput(e), Is.False);
}
