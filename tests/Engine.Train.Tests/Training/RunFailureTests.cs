using Engine.Kernels;
using Engine.Train.Training;
using NUnit.Framework;

namespace Engine.Train.Tests.Training;

[TestFixture]
[Category("Train")]
public class RunFailureTests
{
    [Test]
    public void KnownFailuresAreNamedByKindAndUnexpectedOnesByType()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RunFailure.Describe(new TrainingDivergedException("the loss became NaN at epoch 3")),
                Is.EqualTo("training diverged: the loss became NaN at epoch 3"));
            Assert.That(RunFailure.Describe(new IOException("No space left on device : '/r/metrics.jsonl'")),
                Is.EqualTo("I/O error: No space left on device : '/r/metrics.jsonl'"));
            Assert.That(RunFailure.Describe(new UnauthorizedAccessException("Access to the path '/r' is denied.")),
                Is.EqualTo("I/O error: Access to the path '/r' is denied."));
            Assert.That(RunFailure.Describe(new OutOfMemoryException("buffer of 8 GiB")), Is.EqualTo("out of memory: buffer of 8 GiB"));
            Assert.That(RunFailure.Describe(new DeviceException("cuda:0: synchronize failed: an illegal memory access was encountered")),
                Is.EqualTo("device error: cuda:0: synchronize failed: an illegal memory access was encountered"));
            Assert.That(RunFailure.Describe(new DeviceUnavailableException("opencl:0 unusable: no generic address space")),
                Is.EqualTo("device error: opencl:0 unusable: no generic address space"));
            // Unexpected: a bug, named by its type; multi-line messages become one line.
            Assert.That(RunFailure.Describe(new InvalidOperationException("first\nsecond")), Is.EqualTo("unexpected InvalidOperationException: first second"));
            Assert.That(RunFailure.Describe(new ArgumentException("shape (2,3)")), Is.EqualTo("unexpected ArgumentException: shape (2,3)"));
            // A parallel loop's wrapper is looked through.
            Assert.That(RunFailure.Describe(new AggregateException(new IOException("disk full"))), Is.EqualTo("I/O error: disk full"));
        });
        Assert.That(RunFailure.IsExpected(new IOException("x")), Is.True);
        Assert.That(RunFailure.IsExpected(new NullReferenceException()), Is.False);
    }

    [Test]
    public void FailedJsonIsWrittenWhereTheFolderTakesItAndSkippedWhereNot()
    {
        var root = Directory.CreateTempSubdirectory("engine-failure-").FullName;
        try
        {
            var files = new RunFiles(Path.Combine(root, "run"));
            Assert.That(files.TryRecordFailure(new TrainingDivergedException("the loss became inf")), Is.True);
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(files.Failed));
            Assert.That(json.RootElement.GetProperty("error").GetString(), Is.EqualTo("training diverged: the loss became inf"));
            Assert.That(json.RootElement.GetProperty("type").GetString(), Is.EqualTo("TrainingDivergedException"));
            Assert.That(DateTime.Parse(json.RootElement.GetProperty("time").GetString()!).ToUniversalTime(),
                Is.EqualTo(DateTime.UtcNow).Within(TimeSpan.FromMinutes(1)));

            // A run "folder" that is a file cannot take failed.json: no exception, just false.
            File.WriteAllText(Path.Combine(root, "file"), "");
            Assert.That(new RunFiles(Path.Combine(root, "file")).TryRecordFailure(new IOException("x")), Is.False);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
