using Engine.Train.Training;
using NUnit.Framework;

namespace Engine.Train.Tests.Training;

/// <summary>
/// The run folder's lock within one process: two opens of <c>train.lock</c> are two open file descriptions, which
/// flock excludes from each other as it excludes two processes (the process tests in Engine.Cli.Tests check that,
/// and that SIGKILL releases it).
/// </summary>
[TestFixture]
[Category("Train")]
public class RunLockTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("engine-lock-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public void TheFirstAcquireWinsASecondIsRefusedUntilTheFirstIsDisposed()
    {
        var first = RunLock.TryAcquire(_root);
        Assert.That(first, Is.Not.Null);
        Assert.That(first!.Directory, Is.EqualTo(Path.GetFullPath(_root)));
        Assert.That(File.Exists(Path.Combine(_root, RunLock.FileName)), Is.True);
        Assert.That(RunLock.TryAcquire(_root), Is.Null, "held");
        Assert.That(RunLock.TryAcquire(Path.Combine(_root, ".")), Is.Null, "held, whatever the spelling of the path");

        first.Dispose();
        using var second = RunLock.TryAcquire(_root);
        Assert.That(second, Is.Not.Null, "released on dispose");
        Assert.That(File.Exists(Path.Combine(_root, RunLock.FileName)), Is.True, "the file stays; only the held lock counts");
    }

    [Test]
    public void ARefusedAcquireLeavesTheLockFileAsItWas()
    {
        var path = Path.Combine(_root, RunLock.FileName);
        File.WriteAllText(path, "left by an earlier holder");
        var written = File.GetLastWriteTimeUtc(path);
        using var held = RunLock.TryAcquire(_root)!;
        Assert.That(RunLock.TryAcquire(_root), Is.Null);
        held.Dispose();
        Assert.That(File.ReadAllText(path), Is.EqualTo("left by an earlier holder"), "neither the holder nor the refused opener truncates it");
        Assert.That(File.GetLastWriteTimeUtc(path), Is.EqualTo(written));
    }

    [Test]
    public void LocksOfDifferentFoldersAreIndependent()
    {
        var a = Directory.CreateDirectory(Path.Combine(_root, "a")).FullName;
        var b = Directory.CreateDirectory(Path.Combine(_root, "b")).FullName;
        using var lockA = RunLock.TryAcquire(a);
        using var lockB = RunLock.TryAcquire(b);
        Assert.That(lockA, Is.Not.Null);
        Assert.That(lockB, Is.Not.Null);
    }

    [Test]
    public void AMissingFolderIsAnErrorNotARefusal() =>
        Assert.That(() => RunLock.TryAcquire(Path.Combine(_root, "missing")), Throws.InstanceOf<DirectoryNotFoundException>());
}
